%% erlang-processes: the echo job on a BEAM process per connection, preemptive schedulers (one
%% per core), gen_tcp for both protocols, httpc for the upstream. Started as
%% `erl -noinput -pa ebin -s erlang_processes start` in the row folder.
%% Env: PORT, LINE_PORT, UPSTREAM_URL (required: the lab sets them from service.json),
%% UPSTREAM_TIMEOUT_MS (10000), BIND (127.0.0.1).
-module(erlang_processes).
-behaviour(gen_event).
-export([start/0, job/1, experiment/1, one_line/1, seconds_since/1, decode_utf8/1]).
-export([init/1, handle_event/2, handle_call/2, handle_info/2, terminate/2]).

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
        try {lab_http:start(Ip, Port), lab_line:start(Ip, LinePort)}
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

%% The job both protocols do, in the calling (connection) process: fetch, then the CPU work.
job(#{text := Text, delay_ms := Delay, cpu_iters := Iters, cpu_ms := Ms}) ->
    case lab_upstream:translate(Text, Delay) of
        {ok, _} = Ok ->
            Iters > 0 andalso lab_cpu:cpu_iters(Text, Iters),
            Ms > 0 andalso lab_cpu:cpu_ms(Ms),
            Ok;
        Error -> Error
    end.

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
