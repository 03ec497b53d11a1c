%% The contract's metric vocabulary and its Prometheus text exposition, in this one module:
%% Debian packages no Erlang Prometheus client (prometheus.erl is on hex.pm only), so counters,
%% gauges and histograms live in one public ETS table (ets:update_counter, atomic per key; a
%% histogram's sum in microseconds) and the text format is written here. Names, help, types
%% and labels come from contract/contract.json; every series carries impl="erlang-processes".
-module(lab_metrics).
-export([init/1, record_request/3, observe_upstream/1, gauge_add/3, scrape/0]).

-define(T, lab_metrics).
%% 1 ms .. 60 s, dense around the 50-200 ms upstream delays the scenarios use (ts-common's list).
-define(BUCKETS, [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.06, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0]).

%% Info: #{impl, model, language, runtime}. Every protocol x outcome series exists at 0.
init(Info) ->
    ?T = ets:new(?T, [named_table, public, set, {write_concurrency, true}]),
    persistent_term:put({?MODULE, info}, Info),
    C = lab_contract:get(),
    Protocols = maps:get(<<"protocol">>, maps:get(<<"label_values">>, maps:get(<<"metrics">>, C))),
    Outcomes = [maps:get(<<"name">>, O) || O <- maps:get(<<"outcomes">>, C)],
    [ets:insert(?T, {{requests, P, O}, 0}) || P <- Protocols, O <- Outcomes],
    [init_histogram({request, P}) || P <- Protocols],
    init_histogram(upstream),
    [ets:insert(?T, [{{inflight, P}, 0}, {{open, P}, 0}]) || P <- Protocols],
    persistent_term:put({?MODULE, protocols}, Protocols),
    ok.

init_histogram(Key) ->
    ets:insert(?T, [{{Key, count}, 0}, {{Key, sum_us}, 0} | [{{Key, le, B}, 0} || B <- ?BUCKETS]]).

observe(Key, Seconds) ->
    [ets:update_counter(?T, {Key, le, B}, 1) || B <- ?BUCKETS, Seconds =< B],
    ets:update_counter(?T, {Key, count}, 1),
    ets:update_counter(?T, {Key, sum_us}, round(Seconds * 1.0e6)).

%% One finished request (or line): its outcome and duration. Protocol and outcome are binaries.
record_request(Protocol, Outcome, Seconds) ->
    ets:update_counter(?T, {requests, Protocol, Outcome}, 1),
    observe({request, Protocol}, Seconds).

observe_upstream(Seconds) -> observe(upstream, Seconds).

%% inflight | open, by protocol.
gauge_add(Kind, Protocol, Delta) -> ets:update_counter(?T, {Kind, Protocol}, Delta).

v(Key) -> ets:lookup_element(?T, Key, 2).

%% The text exposition, the /proc figures and the process count read now.
scrape() ->
    #{impl := Impl, model := Model, language := Lang, runtime := Runtime} = persistent_term:get({?MODULE, info}),
    Ps = persistent_term:get({?MODULE, protocols}),
    Label = maps:get(<<"label_on_every_series">>, maps:get(<<"metrics">>, lab_contract:get())),
    Series = fun(Labels) -> series([{Label, Impl} | Labels]) end,
    Proc = lab_procstats:read(),
    Outcomes = [O || {{requests, P, O}, _} <- ets:tab2list(?T), P =:= hd(Ps)],
    [family(<<"lab_info">>, [{Series([{<<"model">>, Model}, {<<"language">>, Lang}, {<<"runtime">>, Runtime}]), 1}]),
     family(<<"lab_requests_total">>, [{Series([{<<"protocol">>, P}, {<<"outcome">>, O}]), v({requests, P, O})} || P <- Ps, O <- lists:sort(Outcomes)]),
     histogram(<<"lab_request_duration_seconds">>, [{[{Label, Impl}, {<<"protocol">>, P}], {request, P}} || P <- Ps]),
     histogram(<<"lab_upstream_duration_seconds">>, [{[{Label, Impl}], upstream}]),
     family(<<"lab_inflight_requests">>, [{Series([{<<"protocol">>, P}]), v({inflight, P})} || P <- Ps]),
     family(<<"lab_open_connections">>, [{Series([{<<"protocol">>, P}]), v({open, P})} || P <- Ps]),
     family(<<"lab_concurrency_units">>, [{Series([{<<"unit">>, <<"processes">>}]), erlang:system_info(process_count)}]),
     family(<<"lab_os_threads">>, [{Series([]), maps:get(threads, Proc)}]),
     family(<<"lab_context_switches_total">>, [{Series([{<<"kind">>, K}]), maps:get(binary_to_atom(K), Proc)} || K <- [<<"voluntary">>, <<"involuntary">>]]),
     family(<<"process_cpu_seconds_total">>, [{Series([]), maps:get(cpu_seconds, Proc)}]),
     family(<<"process_resident_memory_bytes">>, [{Series([]), maps:get(rss_bytes, Proc)}])].

header(Name) ->
    {Name, Type, _Labels, Help} = lab_contract:metric(Name),
    ["# HELP ", Name, " ", escape(Help, help), "\n# TYPE ", Name, " ", Type, "\n"].

family(Name, Samples) -> [header(Name) | [[Name, S, " ", num(V), "\n"] || {S, V} <- Samples]].

histogram(Name, Each) ->
    [header(Name) |
     [[[[Name, "_bucket", series(Labels ++ [{<<"le">>, num(B)}]), " ", num(v({Key, le, B})), "\n"] || B <- ?BUCKETS],
       [Name, "_bucket", series(Labels ++ [{<<"le">>, <<"+Inf">>}]), " ", num(v({Key, count})), "\n"],
       [Name, "_sum", series(Labels), " ", num(v({Key, sum_us}) / 1.0e6), "\n"],
       [Name, "_count", series(Labels), " ", num(v({Key, count})), "\n"]] || {Labels, Key} <- Each]].

series([]) -> [];
series(Labels) -> ["{", lists:join(",", [[K, "=\"", escape(V, label), "\""] || {K, V} <- Labels]), "}"].

escape(V, Kind) ->
    Bin = iolist_to_binary(V),
    B1 = binary:replace(binary:replace(Bin, <<"\\">>, <<"\\\\">>, [global]), <<"\n">>, <<"\\n">>, [global]),
    case Kind of label -> binary:replace(B1, <<"\"">>, <<"\\\"">>, [global]); help -> B1 end.

num(N) when is_integer(N) -> integer_to_binary(N);
num(F) when is_float(F) -> float_to_binary(F, [short]);
num(B) when is_binary(B) -> B.

-ifdef(TEST).
-include_lib("eunit/include/eunit.hrl").
exposition_test() ->
    ok = lab_contract:load(),
    ok = init(#{impl => <<"erlang-processes">>, model => <<"m \"q\"">>, language => <<"erlang">>, runtime => <<"otp 25">>}),
    record_request(<<"http">>, <<"ok">>, 0.07),
    Text = iolist_to_binary(scrape()),
    Has = fun(S) -> ?assertNotEqual(nomatch, binary:match(Text, S), S) end,
    Has(<<"lab_requests_total{impl=\"erlang-processes\",protocol=\"http\",outcome=\"ok\"} 1\n">>),
    Has(<<"lab_request_duration_seconds_bucket{impl=\"erlang-processes\",protocol=\"http\",le=\"0.075\"} 1\n">>),
    Has(<<"lab_request_duration_seconds_bucket{impl=\"erlang-processes\",protocol=\"http\",le=\"0.06\"} 0\n">>),
    Has(<<"model=\"m \\\"q\\\"\"">>),
    Has(<<"# TYPE lab_context_switches_total counter\n">>),
    Has(<<"lab_concurrency_units{impl=\"erlang-processes\",unit=\"processes\"} ">>).
-endif.
