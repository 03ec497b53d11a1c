%% SIGTERM's drain for both protocols: every connection process registers its socket; the
%% drain shuts the read side of each, so an idle connection's blocked recv returns at once and
%% a busy one still writes the answer it is working on, then finds no next request and closes.
%% The drain waits until every connection process has unregistered, at most the timeout.
-module(lab_drain).
-export([init/0, register/1, unregister/0, drain/1]).

-define(T, lab_drain).

init() -> ?T = ets:new(?T, [named_table, public, set, {write_concurrency, true}]), ok.

register(Socket) -> ets:insert(?T, {self(), Socket}).

unregister() -> ets:delete(?T, self()).

drain(TimeoutMs) ->
    [gen_tcp:shutdown(S, read) || {_, S} <- ets:tab2list(?T)],
    wait(erlang:monotonic_time(millisecond) + TimeoutMs).

wait(Deadline) ->
    case ets:info(?T, size) > 0 andalso erlang:monotonic_time(millisecond) < Deadline of
        true -> receive after 10 -> wait(Deadline) end;
        false -> ok
    end.
