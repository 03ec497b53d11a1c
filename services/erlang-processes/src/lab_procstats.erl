%% lab_os_threads, lab_context_switches_total and process_* of the VM's OS process, from /proc:
%% threads, CPU and RSS from /proc/self/stat like the other rows; context switches summed over
%% /proc/self/task/*/status (Erlang has no getrusage; the VM's threads, schedulers and async
%% pool, live as long as the VM, so none is lost by exiting).
-module(lab_procstats).
-export([read/0, parse_stat/3]).

read() ->
    {ok, Stat} = file:read_file("/proc/self/stat"),
    Base = parse_stat(Stat, 100, page_size()),
    {Vol, Invol} = lists:foldl(fun(Tid, {V, I}) ->
        case file:read_file("/proc/self/task/" ++ Tid ++ "/status") of
            {ok, S} -> {V + field(S, <<"voluntary_ctxt_switches:">>), I + field(S, <<"nonvoluntary_ctxt_switches:">>)};
            _ -> {V, I}
        end end, {0, 0}, tasks()),
    Base#{voluntary => Vol, involuntary => Invol}.

tasks() -> case file:list_dir("/proc/self/task") of {ok, L} -> L; _ -> [] end.

%% USER_HZ is 100 on Linux; the page size from the kernel's own auxv is not reachable, so 4096
%% unless getconf says otherwise (read once).
page_size() ->
    case persistent_term:get({?MODULE, page}, undefined) of
        undefined ->
            P = case catch list_to_integer(string:trim(os:cmd("getconf PAGESIZE"))) of N when is_integer(N) -> N; _ -> 4096 end,
            persistent_term:put({?MODULE, page}, P),
            P;
        P -> P
    end.

field(Status, Name) ->
    case binary:match(Status, Name) of
        {Pos, Len} ->
            Rest = binary:part(Status, Pos + Len, byte_size(Status) - Pos - Len),
            [Num | _] = binary:split(string:trim(Rest, leading), <<"\n">>),
            binary_to_integer(string:trim(Num));
        nomatch -> 0
    end.

%% /proc/<pid>/stat: the command name may hold spaces and ')', so the fields are split after
%% the last ')'. Field n of proc(5) is element n-2 here.
parse_stat(Text, Ticks, Page) ->
    {Pos, _} = lists:last(binary:matches(Text, <<")">>)),
    F = binary:split(binary:part(Text, Pos + 2, byte_size(Text) - Pos - 2), [<<" ">>, <<"\n">>], [global, trim_all]),
    N = fun(I) -> binary_to_integer(lists:nth(I, F)) end,
    #{threads => N(18), cpu_seconds => (N(12) + N(13) + N(14) + N(15)) / Ticks, rss_bytes => N(22) * Page}.
