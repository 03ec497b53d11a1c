%% A small JSON decoder for contract/contract.json: OTP 25 has no json module (it came in
%% OTP 27) and Debian packages no Erlang JSON library. Objects -> maps with binary keys,
%% arrays -> lists, strings -> binaries, numbers, true/false/null -> atoms.
-module(lab_json).
-export([decode/1]).

decode(Bin) when is_binary(Bin) ->
    {Value, Rest} = value(ws(Bin)),
    <<>> = ws(Rest),
    Value.

ws(<<C, R/binary>>) when C =:= $\s; C =:= $\t; C =:= $\n; C =:= $\r -> ws(R);
ws(B) -> B.

value(<<${, R/binary>>) -> object(ws(R), #{});
value(<<$[, R/binary>>) -> array(ws(R), []);
value(<<$", R/binary>>) -> string(R, <<>>);
value(<<"true", R/binary>>) -> {true, R};
value(<<"false", R/binary>>) -> {false, R};
value(<<"null", R/binary>>) -> {null, R};
value(B) -> number(B).

object(<<$}, R/binary>>, Acc) -> {Acc, R};
object(<<$", R/binary>>, Acc) ->
    {Key, R1} = string(R, <<>>),
    <<$:, R2/binary>> = ws(R1),
    {Value, R3} = value(ws(R2)),
    case ws(R3) of
        <<$,, R4/binary>> -> object(ws(R4), Acc#{Key => Value});
        <<$}, R4/binary>> -> {Acc#{Key => Value}, R4}
    end.

array(<<$], R/binary>>, []) -> {[], R};
array(B, Acc) ->
    {Value, R1} = value(B),
    case ws(R1) of
        <<$,, R2/binary>> -> array(ws(R2), [Value | Acc]);
        <<$], R2/binary>> -> {lists:reverse([Value | Acc]), R2}
    end.

string(<<$", R/binary>>, Acc) -> {Acc, R};
string(<<$\\, $u, H:4/binary, R/binary>>, Acc) ->
    C = binary_to_integer(H, 16),
    string(R, <<Acc/binary, C/utf8>>);
string(<<$\\, E, R/binary>>, Acc) ->
    C = case E of $n -> $\n; $t -> $\t; $r -> $\r; $b -> $\b; $f -> $\f; Other -> Other end,
    string(R, <<Acc/binary, C>>);
string(<<C, R/binary>>, Acc) -> string(R, <<Acc/binary, C>>).

number(B) ->
    {Num, Rest} = lists:splitwith(fun(C) -> lists:member(C, "+-0123456789.eE") end, binary_to_list(B)),
    Value = case lists:any(fun(C) -> lists:member(C, ".eE") end, Num) of
        true -> list_to_float(Num);
        false -> list_to_integer(Num)
    end,
    {Value, list_to_binary(Rest)}.

-ifdef(TEST).
-include_lib("eunit/include/eunit.hrl").
decode_test() ->
    ?assertEqual(#{<<"a">> => [1, 2.5, <<"x\n">>, true, null], <<"b">> => #{}},
                 decode(<<" {\"a\": [1, 2.5, \"x\\n\", true, null], \"b\": {}} ">>)),
    ?assertEqual(<<"é"/utf8>>, decode(<<"\"\\u00e9\"">>)).
-endif.
