%% erlang-processes: threadecho2.py's loop on a BEAM process per connection, preemptive
%% schedulers (one per core), gen_tcp for both protocols, httpc for the upstream. First below,
%% the loop: accept, a process per connection, read a line, fetch, write. Then start/0, the
%% wiring and SIGTERM's handler. Plumbing in sibling modules: lab_acceptor (listen, stop),
%% lab_line (line mode, gauges, too-long refusal), lab_http (the same job over HTTP), lab_drain,
%% lab_upstream (httpc), lab_metrics, lab_validation, lab_overhead.
%% Started as `erl -noinput -pa ebin -s erlang_processes start` in the row folder.
%% Env: PORT, LINE_PORT, UPSTREAM_URL (required: the lab sets them from service.json),
%% UPSTREAM_TIMEOUT_MS (10000), BIND (127.0.0.1).
-module(erlang_processes).
-behaviour(gen_event).
-export([start/0, accept/2, job/1, experiment/1, one_line/1, seconds_since/1, decode_utf8/1]).
-export([init/1, handle_event/2, handle_call/2, handle_info/2, terminate/2]).

%% --- threadecho2.py: accept, a process per connection; it reads a line, fetches, writes ------

%% Both ports' accept loop (lab_acceptor spawns it): `clientsock, addr = serversock.accept()`,
%% then a process per connection where the seed started a thread: Serve(S) is echo/1 on the
%% line port, lab_http:connection/1 on the HTTP one.
accept(L, Serve) ->
    case gen_tcp:accept(L) of
        {ok, S} ->
            Pid = spawn(fun() -> receive go -> Serve(S) end end),
            ok = gen_tcp:controlling_process(S, Pid),
            Pid ! go,
            accept(L, Serve);
        {error, closed} -> ok;
        {error, _} -> receive after 5 -> accept(L, Serve) end % EMFILE and friends: no spinning
    end.

%% threadecho2.py's echo(), in the connection's own process (lab_line counts it open and
%% registers it for the drain): read a line, fetch, write the answer, take the next line.
echo(S) -> lab_line:connection(S, fun echo/2).

echo(S, Max) ->
    case gen_tcp:recv(S, 0) of % line = fileobj.readline(): the driver splits lines
        {ok, Packet} ->
            case binary:last(Packet) of
                $\n ->
                    case gen_tcp:send(S, answer(binary:part(Packet, 0, byte_size(Packet) - 1))) of
                        ok -> echo(S, Max);
                        _ -> ok % the client left
                    end;
                _ when byte_size(Packet) > Max -> lab_line:too_long(S);
                _ -> gen_tcp:send(S, answer(Packet)) % a last line without its newline
            end;
        _ -> ok % closed (the seed's `if not line: break`), or the drain
    end.

%% One line's answer, counted before it leaves: the fetch is job/1 below, then `echo: ...`.
%% Invalid UTF-8 becomes U+FFFD.
answer(Raw) ->
    Started = erlang:monotonic_time(),
    lab_metrics:gauge_add(inflight, <<"line">>, 1),
    try
        Text = decode_utf8(lab_line:strip_cr(Raw)),
        {Outcome, Answer} = case lab_validation:check_text(Text) of
            {error, Reason} -> {<<"bad_request">>, [<<"error: ">>, one_line(Reason)]};
            ok ->
                case job(#{text => Text, delay_ms => undefined, cpu_iters => 0, cpu_ms => 0}) of
                    {ok, T} -> {<<"ok">>, [<<"echo: ">>, T, <<"\n">>]};
                    {error, O, _, Reason} -> {O, [<<"error: ">>, one_line(Reason)]}
                end
        end,
        lab_metrics:record_request(<<"line">>, Outcome, seconds_since(Started)),
        Answer
    after
        lab_metrics:gauge_add(inflight, <<"line">>, -1)
    end.

%% The job both protocols do, in the calling (connection) process: the fetch
%% (`urllib.urlopen(url).read()`: lab_upstream, httpc; only this process waits), then the CPU work.
job(#{text := Text, delay_ms := Delay, cpu_iters := Iters, cpu_ms := Ms}) ->
    case lab_upstream:translate(Text, Delay) of
        {ok, _} = Ok ->
            Iters > 0 andalso lab_cpu:cpu_iters(Text, Iters),
            Ms > 0 andalso lab_cpu:cpu_ms(Ms),
            Ok;
        Error -> Error
    end.

%% --- start, wiring, SIGTERM's drain ----------------------------------------------------------

-define(IMPL, <<"erlang-processes">>).
-define(MODEL, <<"a BEAM process per connection, preemptive schedulers (gen_tcp, httpc)">>).
%% How long SIGTERM waits for in-flight requests and lines (the other rows wait 10 s too).
-define(DRAIN_MS, 10000).

fail(Code, Fmt, Args) ->
    io:format(standard_error, "erlang-processes: " ++ Fmt ++ "~n", Args),
    erlang:halt(Code).

%% The listening sockets belong to the process that opened them: a long-lived one, not the
%% boot process that runs -s.
start() ->
    spawn(fun() ->
        try main() catch Class:Reason:Stack -> fail(1, "cannot start: ~p:~p ~p", [Class, Reason, Stack]) end
    end),
    ok.

main() ->
    Cfg = case lab_config:read(fun os:getenv/1) of
        {ok, C} -> C;
        {error, Problems} -> fail(2, "bad configuration: ~s", [Problems])
    end,
    case lab_contract:load() of ok -> ok; {error, Why} -> fail(2, "~s", [Why]) end,
    Runtime = iolist_to_binary(["OTP ", erlang:system_info(otp_release), " erts ", erlang:system_info(version)]),
    {ok, _} = application:ensure_all_started(crypto),
    ok = lab_metrics:init(#{impl => ?IMPL, model => ?MODEL, language => <<"erlang">>, runtime => Runtime}),
    ok = lab_drain:init(),
    lab_experiment = ets:new(lab_experiment, [named_table, public, set]),
    #{port := Port, line_port := LinePort, bind := Bind, upstream_url := Url, upstream_timeout_ms := Timeout} = Cfg,
    lab_upstream:start(list_to_binary(Url), Timeout),
    Ip = case inet:parse_address(Bind) of {ok, A} -> A; _ -> fail(2, "BIND must be an IP address, got '~s'", [Bind]) end,
    {HttpPort, LinePortActual} =
        try {lab_http:start(Ip, Port), lab_line:start(Ip, LinePort, fun echo/1)}
        catch _:E -> fail(1, "cannot listen (~s, ports ~b/~b): ~p", [Bind, Port, LinePort, E])
        end,
    %% SIGTERM: the default handler would stop the VM at once (init:stop); this one drains.
    ok = gen_event:swap_handler(erl_signal_server, {erl_signal_handler, []}, {?MODULE, []}),
    %% One parseable line: tests start the row with PORT=0 and read the ports from it.
    io:format(standard_error, "erlang-processes: listening http=~b line=~b bind=~s upstream=~s~n", [HttpPort, LinePortActual, Bind, Url]),
    receive after infinity -> ok end.

%% gen_event callbacks for erl_signal_server.
init(_) -> {ok, []}.
handle_event(sigterm, State) ->
    spawn(fun() ->
        io:format(standard_error, "erlang-processes: SIGTERM: draining~n", []),
        %% Both ports stop accepting at once; in-flight work is answered, at most DRAIN_MS.
        lab_http:stop_accepting(),
        lab_line:stop_accepting(),
        lab_drain:drain(?DRAIN_MS),
        erlang:halt(0)
    end),
    {ok, State};
handle_event(_, State) -> {ok, State}.
handle_call(_, State) -> {ok, ok, State}.
handle_info(_, State) -> {ok, State}.
terminate(_, _) -> ok.

%% One experiment at a time: a second one would measure the first one's load.
experiment(P) ->
    case ets:insert_new(lab_experiment, {running, P}) of
        false ->
            R = case ets:lookup(lab_experiment, running) of [{_, X}] -> X; [] -> P end,
            {busy, io_lib:format("an overhead experiment is already running (workers=~b, tasks=~b, sleep_ms=~b, mode=~s); retry when it ends",
                                 [maps:get(workers, R), maps:get(tasks, R), maps:get(sleep_ms, R), maps:get(mode, R)])};
        true ->
            try {ok, lab_overhead:to_json(lab_overhead:run(P))} after ets:delete(lab_experiment, running) end
    end.

%% A reason on one line of text.
one_line(Reason) ->
    Words = string:lexemes(iolist_to_binary(Reason), [$\s, $\t, $\r, $\n]),
    [lists:join(<<" ">>, Words), <<"\n">>].

seconds_since(Started) -> erlang:convert_time_unit(erlang:monotonic_time() - Started, native, microsecond) / 1.0e6.

%% Invalid UTF-8 becomes U+FFFD, byte by byte, never fatal.
decode_utf8(Bin) ->
    case unicode:characters_to_binary(Bin) of
        B when is_binary(B) -> B;
        {_, Good, Rest} -> <<Good/binary, (fix(Rest))/binary>>
    end.
fix(<<>>) -> <<>>;
fix(<<_, Rest/binary>>) -> <<16#FFFD/utf8, (decode_utf8(Rest))/binary>>.
