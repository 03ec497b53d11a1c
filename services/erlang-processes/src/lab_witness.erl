%% erlang-processes' /overhead methods OUTSIDE the server: the witness the bench
%% overhead-fidelity compares the row's /overhead with (service.json, overheadWitness). The
%% row's own lab_overhead and lab_validation in a bare VM (no listeners, no metrics, no guard):
%%
%%   erl -noinput -pa ebin -s lab_witness main -extra --mode pool|spawn --workers C --tasks N --sleep-ms S [--warmup]
%%
%% --warmup: three unmeasured runs first of min(N, max(10C, 50)) tasks, as the other witnesses
%% do. Prints the /overhead JSON plus "unit" and "where": "standalone"; exits 2 on bad arguments.
-module(lab_witness).
-export([main/0]).

main() ->
    try run(init:get_plain_arguments()) of
        Json -> io:format("~s~n", [Json]), erlang:halt(0)
    catch throw:{bad, Reason} ->
        io:format(standard_error, "erlang-processes-witness: ~s~n", [Reason]),
        erlang:halt(2)
    end.

run(Args) ->
    case lab_contract:load() of ok -> ok; {error, Why} -> throw({bad, Why}) end,
    {Query, Warmup} = parse(Args, [], false),
    %% The same parser as the server's: same limits, same one-line reasons.
    P = case lab_validation:overhead(Query) of {ok, V} -> V; {error, R} -> throw({bad, R}) end,
    process_flag(trap_exit, true),
    Warmup andalso [lab_overhead:run(P#{tasks := min(maps:get(tasks, P), max(10 * maps:get(workers, P), 50))}) || _ <- lists:seq(1, 3)],
    Json = lab_overhead:to_json(lab_overhead:run(P)),
    <<(binary:part(Json, 0, byte_size(Json) - 1))/binary, ",\"unit\":\"processes\",\"where\":\"standalone\"}">>.

parse([], Q, W) -> {lists:reverse(Q), W};
parse(["--warmup" | R], Q, _) -> parse(R, Q, true);
parse([Flag, Value | R], Q, W) when Flag =:= "--mode"; Flag =:= "--workers"; Flag =:= "--tasks"; Flag =:= "--sleep-ms" ->
    Name = case Flag of "--sleep-ms" -> <<"sleep_ms">>; "--" ++ N -> list_to_binary(N) end,
    parse(R, [{Name, list_to_binary(Value)} | Q], W);
parse([Other | _], _, _) -> throw({bad, "unexpected argument '" ++ Other ++ "'"}).
