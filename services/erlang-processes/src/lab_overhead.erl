%% The pool-overhead experiment in this row's unit, the BEAM process (contract/README.md):
%%  - pool (the seed's concurrency_test.py): C long-lived processes fed by a bounded mailbox
%%    protocol: each worker asks for a task when it is free, so the caller hands out tasks only
%%    against a worker's demand and at most C tasks are ever queued (one per worker mailbox,
%%    the seed's queue bounded to C); each task is a `receive after S` (timer sleep); the
%%    caller hands out N, waits for the last done, then stops the workers. The workers are
%%    spawned before the clock (the seed's clock): their start is setup_s, beside it.
%%  - spawn: a process per task, at most C alive (the caller waits for one to end before it
%%    spawns past C); timed from before the first spawn, setup_s 0.
-module(lab_overhead).
-export([run/1, to_json/1]).

%% #{workers, tasks, sleep_ms, mode} -> the result map.
run(#{workers := C, tasks := N, sleep_ms := S, mode := Mode} = P) ->
    {Elapsed, Setup} = case Mode of
        <<"spawn">> -> {spawn_mode(C, N, S), 0};
        _ -> pool(C, N, S)
    end,
    Ideal = S * N / C / 1000,
    P#{elapsed_s => Elapsed / 1.0e6, setup_s => Setup / 1.0e6, ideal_s => Ideal,
       overhead => case Ideal > 0 of true -> Elapsed / 1.0e6 / Ideal; false -> null end}.

now_us() -> erlang:monotonic_time(microsecond).

pool(C, N, S) ->
    Caller = self(),
    %% Every message of this run carries Ref: the caller is a keep-alive connection's process,
    %% and a message left from an earlier run (a worker's last `ready`) must not be taken for
    %% this run's (a task handed to a worker that has ended is lost, and the run never ends).
    Ref = make_ref(),
    T0 = now_us(),
    Workers = [begin W = spawn_link(fun() -> worker(Caller, Ref, S) end), {W, erlang:monitor(process, W)} end
               || _ <- lists:seq(1, C)],
    Setup = now_us() - T0,
    Started = now_us(),
    hand_out(Ref, N, N),
    Elapsed = now_us() - Started,
    [W ! stop || {W, _} <- Workers],
    %% Every worker ended, then its last `ready` dropped: the next run starts with a clean mailbox.
    [receive {'DOWN', M, process, _, _} -> ok end || {_, M} <- Workers],
    flush(Ref),
    [receive {'EXIT', W, _} -> ok after 0 -> ok end || {W, _} <- Workers],
    {Elapsed, Setup}.

worker(Caller, Ref, S) ->
    Caller ! {ready, Ref, self()},
    receive
        {task, Ref} -> receive after S -> ok end, Caller ! {done, Ref}, worker(Caller, Ref, S);
        stop -> ok
    end.

%% Hands out ToGive tasks against the workers' demand; returns when Pending are done.
hand_out(_, 0, 0) -> ok;
hand_out(Ref, ToGive, Pending) ->
    receive
        {ready, Ref, W} when ToGive > 0 -> W ! {task, Ref}, hand_out(Ref, ToGive - 1, Pending);
        {done, Ref} -> hand_out(Ref, ToGive, Pending - 1)
    end.

flush(Ref) ->
    receive {ready, Ref, _} -> flush(Ref) after 0 -> ok end.

spawn_mode(C, N, S) ->
    Caller = self(),
    Started = now_us(),
    spawn_tasks(Caller, N, S, C, 0),
    now_us() - Started.

%% Alive: tasks running now; a new one starts only while fewer than C are alive.
spawn_tasks(_, 0, _, _, 0) -> ok;
spawn_tasks(Caller, Left, S, C, Alive) when Left > 0, Alive < C ->
    spawn(fun() -> receive after S -> ok end, Caller ! task_done end),
    spawn_tasks(Caller, Left - 1, S, C, Alive + 1);
spawn_tasks(Caller, Left, S, C, Alive) ->
    receive task_done -> spawn_tasks(Caller, Left, S, C, Alive - 1) end.

num(null) -> <<"null">>;
num(I) when is_integer(I) -> integer_to_binary(I);
num(F) -> float_to_binary(F, [short]).

%% The /overhead JSON, keys in the contract's order.
to_json(#{workers := C, tasks := N, sleep_ms := S, mode := M, elapsed_s := E, setup_s := Su, ideal_s := I, overhead := O}) ->
    iolist_to_binary(["{\"workers\":", num(C), ",\"tasks\":", num(N), ",\"sleep_ms\":", num(S), ",\"mode\":\"", M,
                      "\",\"elapsed_s\":", num(E), ",\"setup_s\":", num(float(Su)), ",\"ideal_s\":", num(float(I)), ",\"overhead\":", num(O), "}"]).

-ifdef(TEST).
-include_lib("eunit/include/eunit.hrl").
both_modes_test() ->
    process_flag(trap_exit, true),
    [begin
         R = run(#{workers => 10, tasks => 50, sleep_ms => 20, mode => M}),
         #{overhead := O, setup_s := Su} = R,
         ?assert(O >= 1.0 andalso O < 3.0),
         ?assertEqual(M =:= <<"pool">>, Su > 0)
     end || M <- [<<"pool">>, <<"spawn">>]],
    %% Pool runs one after another in one process (a keep-alive connection): each ends, and
    %% leaves nothing in the mailbox (a stale `ready` once hung the next run for good).
    [#{overhead := _} = run(#{workers => C, tasks => 40, sleep_ms => 1, mode => <<"pool">>}) || C <- [10, 5, 20, 5]],
    {messages, Left} = erlang:process_info(self(), messages),
    ?assertEqual([], [X || X <- Left, element(1, X) =/= 'EXIT']),
    ?assertEqual(<<"{\"workers\":2,\"tasks\":4,\"sleep_ms\":0,\"mode\":\"pool\",\"elapsed_s\":0.005,\"setup_s\":0.001,\"ideal_s\":0.0,\"overhead\":null}">>,
                 to_json(#{workers => 2, tasks => 4, sleep_ms => 0, mode => <<"pool">>, elapsed_s => 0.005, setup_s => 0.001, ideal_s => 0.0, overhead => null})).
-endif.
