%% Request validation: the same rules and one-line reasons as ts-common/validation.ts,
%% labcommon/validation.py and the other rows; every limit comes from the contract. A parser
%% returns {ok, Values} or {error, Reason}, which the caller sends as the body of a 400 (or an
%% `error:` line). Texts are UTF-8 binaries.
-module(lab_validation).
-export([parse_query/1, echo/1, overhead/1, check_text/1]).

%% The query string's pairs, %-decoded ('+' is a space), in order; a bad escape is kept as is.
parse_query(Raw) ->
    [{decode(K), decode(V)} || Pair <- binary:split(Raw, <<"&">>, [global]), Pair =/= <<>>,
                               {K, V} <- [case binary:split(Pair, <<"=">>) of [A, B] -> {A, B}; [A] -> {A, <<>>} end]].

decode(B) -> decode(B, <<>>).
decode(<<$+, R/binary>>, Acc) -> decode(R, <<Acc/binary, $\s>>);
decode(<<$%, H:2/binary, R/binary>> = All, Acc) ->
    try binary_to_integer(H, 16) of
        C -> decode(R, <<Acc/binary, C>>)
    catch error:badarg -> <<_, R1/binary>> = All, decode(R1, <<Acc/binary, $%>>)
    end;
decode(<<C, R/binary>>, Acc) -> decode(R, <<Acc/binary, C>>);
decode(<<>>, Acc) -> Acc.

fmt(F, A) -> iolist_to_binary(io_lib:format(F, A)).

%% At most 40 characters of a bad value, on one line.
clip(Raw) ->
    Flat = iolist_to_binary(lists:join(<<" ">>, [P || P <- binary:split(Raw, [<<"\r">>, <<"\n">>], [global]), P =/= <<>>])),
    case unicode:characters_to_list(Flat) of
        L when is_list(L), length(L) > 40 -> <<(unicode:characters_to_binary(lists:sublist(L, 40)))/binary, "...">>;
        L when is_list(L) -> Flat;
        _ -> binary:part(Flat, 0, min(40, byte_size(Flat)))
    end.

%% Decimal digits only, an optional minus, at most nine digits.
int_in_range(Name, Raw, {Min, Max}) ->
    Digits = case Raw of <<"-", D/binary>> -> D; D -> D end,
    WellFormed = byte_size(Digits) >= 1 andalso byte_size(Digits) =< 9 andalso
                 lists:all(fun(C) -> C >= $0 andalso C =< $9 end, binary_to_list(Digits)),
    case WellFormed andalso binary_to_integer(Raw) of
        false -> {error, fmt("~s must be an integer from ~b to ~b, got '~s'", [Name, Min, Max, clip(Raw)])};
        N when N < Min; N > Max -> {error, fmt("~s must be an integer from ~b to ~b, got ~b", [Name, Min, Max, N])};
        N -> {ok, N}
    end.

single(Q, Name) ->
    case [V || {K, V} <- Q, K =:= Name] of
        [] -> absent;
        [V] -> {ok, V};
        Vs -> {error, fmt("~s is given ~b times, give it once", [Name, length(Vs)])}
    end.

optional_int(Q, Name, Range, Default) ->
    case single(Q, Name) of
        absent -> {ok, Default};
        {ok, Raw} -> int_in_range(Name, Raw, Range);
        Error -> Error
    end.

required_int(Q, Name, {Min, Max} = Range) ->
    case single(Q, Name) of
        absent -> {error, fmt("~s is required (an integer from ~b to ~b)", [Name, Min, Max])};
        {ok, Raw} -> int_in_range(Name, Raw, Range);
        Error -> Error
    end.

check_text(<<>>) -> {error, <<"text is required">>};
check_text(Text) ->
    Max = maps:get(<<"text_max_bytes">>, maps:get(<<"limits">>, lab_contract:get())),
    case byte_size(Text) of
        N when N > Max -> {error, fmt("text is ~b bytes, at most ~b allowed", [N, Max])};
        _ -> ok
    end.

%% {ok, #{text, delay_ms (undefined: the upstream's default), cpu_iters, cpu_ms}} | {error, Reason}
echo(Q) ->
    Steps = [
        fun(P) -> case single(Q, <<"text">>) of absent -> check(P, <<>>); {ok, T} -> check(P, T); E -> E end end,
        fun(P) -> put_int(P, delay_ms, optional_int(Q, <<"delay_ms">>, lab_contract:limit([<<"echo">>, <<"delay_ms">>]), undefined)) end,
        fun(P) -> put_int(P, cpu_iters, optional_int(Q, <<"cpu_iters">>, lab_contract:limit([<<"echo">>, <<"cpu_iters">>]), 0)) end,
        fun(P) -> put_int(P, cpu_ms, optional_int(Q, <<"cpu_ms">>, lab_contract:limit([<<"echo">>, <<"cpu_ms">>]), 0)) end
    ],
    chain(Steps, #{}).

check(P, Text) -> case check_text(Text) of ok -> {ok, P#{text => Text}}; E -> E end.
put_int(P, Key, {ok, V}) -> {ok, P#{Key => V}};
put_int(_, _, E) -> E.

chain([], P) -> {ok, P};
chain([Step | Rest], P) -> case Step(P) of {ok, P1} -> chain(Rest, P1); E -> E end.

%% {ok, #{workers, tasks, sleep_ms, mode}} | {error, Reason}
overhead(Q) ->
    Int = fun(Key, Name) -> fun(P) -> put_int(P, Key, required_int(Q, Name, lab_contract:limit([<<"overhead">>, Name]))) end end,
    chain([Int(workers, <<"workers">>), Int(tasks, <<"tasks">>), Int(sleep_ms, <<"sleep_ms">>),
           fun(P) -> case single(Q, <<"mode">>) of absent -> mode(P, <<>>); {ok, M} -> mode(P, M); E -> E end end], #{}).

mode(P, Raw) ->
    #{<<"modes">> := Modes, <<"default_mode">> := Default} = lab_contract:limit([<<"overhead">>]),
    case Raw of
        <<>> -> {ok, P#{mode => Default}};
        _ -> case lists:member(Raw, Modes) of
                 true -> {ok, P#{mode => Raw}};
                 false -> {error, fmt("mode must be one of ~s, got '~s'", [lists:join(", ", Modes), clip(Raw)])}
             end
    end.

-ifdef(TEST).
-include_lib("eunit/include/eunit.hrl").
%% Run from the row folder (loadgen/test/native/native-rows.test.ts does), like the row.
setup() -> ok = lab_contract:load().
echo_of(Q) -> echo(parse_query(Q)).
echo_test() ->
    setup(),
    ?assertEqual({ok, #{text => <<"hello wörld"/utf8>>, delay_ms => 20, cpu_iters => 3, cpu_ms => 20}},
                 echo_of(<<"text=hello%20w%C3%B6rld&delay_ms=20&cpu_iters=3&cpu_ms=20">>)),
    [?assertEqual({error, R}, echo_of(Q)) || {Q, R} <- [
        {<<"">>, <<"text is required">>},
        {<<"text=a&delay_ms=60001">>, <<"delay_ms must be an integer from 0 to 60000, got 60001">>},
        {<<"text=a&delay_ms=-1">>, <<"delay_ms must be an integer from 0 to 60000, got -1">>},
        {<<"text=a&delay_ms=1e3">>, <<"delay_ms must be an integer from 0 to 60000, got '1e3'">>},
        {<<"text=a&cpu_iters=10000001">>, <<"cpu_iters must be an integer from 0 to 10000000, got 10000001">>},
        {<<"text=a&cpu_ms=1001">>, <<"cpu_ms must be an integer from 0 to 1000, got 1001">>},
        {<<"text=a&text=b">>, <<"text is given 2 times, give it once">>}]],
    ?assertEqual({error, <<"text is 4097 bytes, at most 4096 allowed">>}, echo_of(<<"text=", (binary:copy(<<"a">>, 4097))/binary>>)).
overhead_test() ->
    setup(),
    ?assertEqual({ok, #{workers => 2, tasks => 4, sleep_ms => 10, mode => <<"pool">>}}, overhead(parse_query(<<"workers=2&tasks=4&sleep_ms=10">>))),
    ?assertEqual({error, <<"workers must be an integer from 1 to 2000, got 0">>}, overhead(parse_query(<<"workers=0&tasks=4&sleep_ms=10">>))),
    ?assertEqual({error, <<"mode must be one of pool, spawn, got 'fork'">>}, overhead(parse_query(<<"workers=1&tasks=1&sleep_ms=1&mode=fork">>))).
-endif.
