%% The line protocol's plumbing under erlang_processes:echo/1 (threadecho2.py's loop, in the
%% row's main file): the listener in line mode ({packet, line}: the VM's driver splits lines),
%% each connection's gauges and drain registration, and the too-long refusal. The socket's
%% user-level buffer is the contract's line limit plus the newline, so a line one byte over
%% arrives as a packet without its newline: refused.
-module(lab_line).
-export([start/3, stop_accepting/0, connection/2, too_long/1, strip_cr/1]).

%% Serve(Socket) runs in each accepted connection's own process.
start(Ip, Port, Serve) ->
    Max = maps:get(<<"line_max_bytes">>, maps:get(<<"limits">>, lab_contract:get())),
    persistent_term:put(?MODULE, Max),
    lab_acceptor:start(line, Ip, Port, {Serve, [{packet, line}, {buffer, Max + 1}]}).

stop_accepting() -> lab_acceptor:stop(line).

%% Loop(S, Max) on the connection, counted open and registered for the drain, then closed.
connection(S, Loop) ->
    Max = persistent_term:get(?MODULE),
    lab_metrics:gauge_add(open, <<"line">>, 1),
    lab_drain:register(S),
    try Loop(S, Max) after lab_drain:unregister(), lab_metrics:gauge_add(open, <<"line">>, -1), gen_tcp:close(S) end.

%% `error: line too long`, the write side shut, the rest read (2 s at most) so that the answer
%% is not lost to a reset, then closed.
too_long(S) ->
    lab_metrics:record_request(<<"line">>, <<"bad_request">>, 0.0),
    C = lab_contract:get(),
    gen_tcp:send(S, maps:get(<<"line_too_long">>, maps:get(<<"line_protocol">>, C))),
    gen_tcp:shutdown(S, write),
    Deadline = erlang:monotonic_time(millisecond) + 2000,
    discard(S, Deadline).

discard(S, Deadline) ->
    Left = Deadline - erlang:monotonic_time(millisecond),
    case Left > 0 andalso gen_tcp:recv(S, 0, Left) of
        {ok, _} -> discard(S, Deadline);
        _ -> ok
    end.

%% The line without a trailing '\r'.
strip_cr(Raw) ->
    case binary:last(<<0, Raw/binary>>) of $\r -> binary:part(Raw, 0, byte_size(Raw) - 1); _ -> Raw end.
