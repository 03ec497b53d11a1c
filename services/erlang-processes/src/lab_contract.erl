%% contract/contract.json, read once at start into a persistent_term: the limits, outcomes,
%% metric vocabulary and line protocol answers every part of the lab shares. Validation,
%% metrics and the line protocol take their numbers and names from here, as ts-common,
%% labcommon and the other compiled rows do.
-module(lab_contract).
-compile({no_auto_import, [get/0]}).
-export([load/0, load/1, get/0, limit/1, metric/1, default_path/0]).

%% The row folder is the working directory (the lab and the image start erl there); the
%% contract is two folders up (the image keeps the repository layout under /app).
default_path() -> filename:join(["..", "..", "contract", "contract.json"]).

load() -> load(default_path()).

load(Path) ->
    case file:read_file(Path) of
        {ok, Bin} ->
            C = lab_json:decode(Bin),
            1 = maps:get(<<"version">>, C),
            persistent_term:put(?MODULE, C),
            ok;
        {error, Reason} ->
            {error, io_lib:format("cannot read the lab's contract at ~s (~p); an image must COPY contract/contract.json", [Path, Reason])}
    end.

get() -> persistent_term:get(?MODULE).

%% A path of keys under "limits", e.g. [<<"echo">>, <<"delay_ms">>] -> {Min, Max}.
limit(Keys) ->
    V = lists:foldl(fun(K, M) -> maps:get(K, M) end, maps:get(<<"limits">>, get()), Keys),
    case V of
        #{<<"min">> := Min, <<"max">> := Max} -> {Min, Max};
        Other -> Other
    end.

%% The contract's spec of one metric: {Name, Type, Labels, Help}; a name it does not define
%% is a bug of this row, found at start.
metric(Name) ->
    Specs = maps:get(<<"every_row">>, maps:get(<<"metrics">>, get())),
    case [S || S = #{<<"name">> := N} <- Specs, N =:= Name] of
        [#{<<"type">> := T, <<"labels">> := L, <<"help">> := H}] -> {Name, T, L, H};
        [] -> error({metric_not_in_contract, Name})
    end.
