%% The CPU work a request may ask for after its fetch, in the handling process. The BEAM
%% preempts it every few thousand reductions, so other connections' processes keep running
%% on the same scheduler (what head-of-line shows).
%%  - cpu_iters: the lab's fixed hash chain (digest = text; repeat: digest = sha256(digest)).
%%  - cpu_ms: busy work until this process has RUN for M ms. erlang:statistics(runtime) is
%%    VM-wide and the BEAM has no per-process CPU clock, so the process times its own running
%%    intervals: the `running` trace (schedule in/out events with monotonic timestamps) goes
%%    to a small tracer process that sums them; the worker asks it after every ~0.2 ms of
%%    hashing. The sum lags by the interval that just ended, so it never overcounts, and it is
%%    time on a scheduler thread, which is that thread's CPU as long as the OS does not
%%    deschedule the scheduler itself (a busy host can: then it is a little less CPU).
-module(lab_cpu).
-export([cpu_iters/2, cpu_ms/1]).

cpu_iters(Text, Iters) -> chain(Text, Iters).

chain(D, 0) -> D;
chain(D, N) -> chain(crypto:hash(sha256, D), N - 1).

%% Returns the running time counted, in native units converted to ms (>= Ms).
cpu_ms(Ms) when Ms =< 0 -> 0;
cpu_ms(Ms) ->
    Self = self(),
    Tracer = spawn_link(fun() -> tracer(Self, 0, undefined) end),
    erlang:trace(Self, true, [running, monotonic_timestamp, {tracer, Tracer}]),
    Target = erlang:convert_time_unit(Ms, millisecond, native),
    Used = busy(Tracer, Target, <<"cpu_ms">>),
    erlang:trace(Self, false, [running]),
    unlink(Tracer),
    exit(Tracer, kill),
    flush(),
    erlang:convert_time_unit(Used, native, millisecond).

busy(Tracer, Target, D) ->
    D1 = chain(D, 200),
    Tracer ! {used, self()},
    receive
        {used, Tracer, Used} when Used >= Target -> Used;
        {used, Tracer, _} -> busy(Tracer, Target, D1)
    end.

%% Sum of closed running intervals; In: the timestamp of the last schedule-in.
tracer(Pid, Sum, In) ->
    receive
        {trace_ts, Pid, in, _, T} -> tracer(Pid, Sum, T);
        {trace_ts, Pid, out, _, T} when In =/= undefined -> tracer(Pid, Sum + (T - In), undefined);
        {trace_ts, Pid, _, _, _} -> tracer(Pid, Sum, In);
        {used, Pid} -> Pid ! {used, self(), Sum}, tracer(Pid, Sum, In)
    end.

flush() -> receive {used, _, _} -> flush() after 0 -> ok end.
