%% The CPU work a request may ask for after its fetch, in the handling process. The BEAM
%% preempts it every few thousand reductions, so other connections' processes keep running
%% on the same scheduler (what head-of-line shows).
%%  - cpu_iters: the lab's fixed hash chain (digest = text; repeat: digest = sha256(digest)).
%%  - cpu_ms: busy work until the handling process has used M ms of its scheduler thread's
%%    CPU. erlang:statistics(runtime) is VM-wide and the BEAM has no per-process CPU clock, so
%%    the process reads the CPU clock of the OS thread it runs on: its scheduler
%%    (erlang:system_info(scheduler_id); the VM names that thread "<id>_scheduler", so
%%    /proc/self/task/<tid>/schedstat gives its nanoseconds on CPU, the kernel's
%%    CLOCK_THREAD_CPUTIME_ID figure), before and after each chunk of hashing (about 2 ms), and
%%    counts a chunk only when it stayed on one scheduler. Reading the file hops to a dirty I/O
%%    thread and back; if other processes ran on that scheduler meanwhile their CPU is counted
%%    too (tens of microseconds per chunk under load): the row never spends more than asked.
-module(lab_cpu).
-export([cpu_iters/2, cpu_ms/1]).

-define(CHUNK_NS, 2000000).

cpu_iters(Text, Iters) -> chain(Text, Iters).

chain(D, 0) -> D;
chain(D, N) -> chain(crypto:hash(sha256, D), N - 1).

%% Returns the CPU counted, in ms (>= Ms).
cpu_ms(Ms) when Ms =< 0 -> 0;
cpu_ms(Ms) -> busy(Ms * 1000000, 0, 200, <<"cpu_ms">>) div 1000000.

%% Rounds: hashes in the next chunk, sized from the last chunk's rate to about 2 ms (or what
%% is left): each clock read costs a hop to a dirty I/O thread, so fewer reads cost less
%% CPU that is not counted, and the last chunk overshoots by little.
busy(Target, Used, _, _) when Used >= Target -> Used;
busy(Target, Used, Rounds, D) ->
    Sid = erlang:system_info(scheduler_id),
    T0 = thread_ns(Sid),
    Sid1 = erlang:system_info(scheduler_id),
    D1 = chain(D, Rounds),
    Sid2 = erlang:system_info(scheduler_id),
    T1 = thread_ns(Sid2),
    case Sid =:= Sid1 andalso Sid1 =:= Sid2 andalso is_integer(T0) andalso is_integer(T1) andalso T1 > T0 of
        true ->
            Spent = T1 - T0,
            Next = max(50, min(Target - Used - Spent, ?CHUNK_NS) * Rounds div Spent),
            busy(Target, Used + Spent, Next, D1);
        false -> busy(Target, Used, Rounds, D1)
    end.

%% Nanoseconds on CPU of scheduler Sid's thread (the first field of schedstat).
thread_ns(Sid) ->
    case file:read_file(["/proc/self/task/", tid(Sid), "/schedstat"]) of
        {ok, Bin} -> binary_to_integer(hd(binary:split(Bin, <<" ">>)));
        _ -> undefined
    end.

%% The VM's threads keep their names and ids for its whole life: looked up once.
tid(Sid) ->
    Key = {?MODULE, tids},
    Tids = case persistent_term:get(Key, undefined) of
        undefined ->
            {ok, All} = file:list_dir("/proc/self/task"),
            Map = maps:from_list([{Name, T} || T <- All, {ok, C} <- [file:read_file("/proc/self/task/" ++ T ++ "/comm")],
                                              Name <- [string:trim(C)]]),
            persistent_term:put(Key, Map),
            Map;
        Map -> Map
    end,
    maps:get(<<(integer_to_binary(Sid))/binary, "_scheduler">>, Tids).

-ifdef(TEST).
-include_lib("eunit/include/eunit.hrl").
cpu_ms_test() ->
    cpu_ms(5), % first: the modules load and the thread ids are read, once
    {_, Before} = erlang:statistics(runtime),
    ?assert(cpu_ms(50) >= 50),
    {_, Spent} = erlang:statistics(runtime),
    %% VM-wide CPU since the last call, about the 50 ms asked: the kernel's per-process CPU
    %% (getrusage, /proc stat) is sampled at clock ticks of 10 ms, schedstat is exact.
    ?assert(Spent >= 35 andalso Spent < 90, {Before, Spent}).
-endif.
