%% The original protocol (threadecho2.py's loop) on a BEAM process per connection, the socket
%% in line mode ({packet, line}): the VM's driver splits lines; the process reads one, fetches,
%% writes the answer, takes the next. Its user-level buffer is the contract's line limit plus
%% the newline, so a line one byte over arrives as a packet without its newline: refused.
-module(lab_line).
-export([start/2, stop_accepting/0, connection/1]).

start(Ip, Port) ->
    Max = maps:get(<<"line_max_bytes">>, maps:get(<<"limits">>, lab_contract:get())),
    persistent_term:put(?MODULE, Max),
    lab_acceptor:start(line, Ip, Port, {?MODULE, [{packet, line}, {buffer, Max + 1}]}).

stop_accepting() -> lab_acceptor:stop(line).

connection(S) ->
    Max = persistent_term:get(?MODULE),
    lab_metrics:gauge_add(open, <<"line">>, 1),
    lab_drain:register(S),
    try loop(S, Max) after lab_drain:unregister(), lab_metrics:gauge_add(open, <<"line">>, -1), gen_tcp:close(S) end.

loop(S, Max) ->
    case gen_tcp:recv(S, 0) of
        {ok, Packet} ->
            case binary:last(Packet) of
                $\n ->
                    case gen_tcp:send(S, answer(binary:part(Packet, 0, byte_size(Packet) - 1))) of
                        ok -> loop(S, Max);
                        _ -> ok % the client left
                    end;
                _ when byte_size(Packet) > Max -> too_long(S);
                _ -> gen_tcp:send(S, answer(Packet)) % a last line without its newline
            end;
        _ -> ok % closed, or the drain
    end.

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

%% One line's answer, counted before it leaves. A trailing '\r' is dropped; invalid UTF-8
%% becomes U+FFFD.
answer(Raw) ->
    Started = erlang:monotonic_time(),
    lab_metrics:gauge_add(inflight, <<"line">>, 1),
    try
        Text = erlang_processes:decode_utf8(case binary:last(<<0, Raw/binary>>) of $\r -> binary:part(Raw, 0, byte_size(Raw) - 1); _ -> Raw end),
        {Outcome, Answer} = case lab_validation:check_text(Text) of
            {error, Reason} -> {<<"bad_request">>, [<<"error: ">>, erlang_processes:one_line(Reason)]};
            ok ->
                case erlang_processes:job(#{text => Text, delay_ms => undefined, cpu_iters => 0, cpu_ms => 0}) of
                    {ok, T} -> {<<"ok">>, [<<"echo: ">>, T, <<"\n">>]};
                    {error, O, _, Reason} -> {O, [<<"error: ">>, erlang_processes:one_line(Reason)]}
                end
        end,
        lab_metrics:record_request(<<"line">>, Outcome, erlang_processes:seconds_since(Started)),
        Answer
    after
        lab_metrics:gauge_add(inflight, <<"line">>, -1)
    end.
