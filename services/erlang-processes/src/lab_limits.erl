%% The HTTP limits every row enforces the same way (contract/README.md, "Limits"): header
%% fields over limits.header_fields_max_bytes -> 431, a Content-Length over
%% limits.body_max_bytes -> 413, a one-line reason, the connection closed, not counted in
%% lab_requests_total. The socket's http_bin parser has no such limit of its own (a line up to
%% its 64 KiB buffer), so the connection process adds up the fields as it reads them.
-module(lab_limits).
-export([field_bytes/2, refusal/2]).

%% A field as sent: `name: value\r\n` (the parser keeps the name as sent and the value trimmed).
field_bytes(Name, Value) -> byte_size(Name) + byte_size(Value) + 4.

%% {Status, Body} refusing a request with FieldsBytes of header fields and that Content-Length
%% (a binary, or undefined), or ok.
refusal(FieldsBytes, ContentLength) ->
    Limits = maps:get(<<"limits">>, lab_contract:get()),
    FieldsMax = maps:get(<<"header_fields_max_bytes">>, Limits),
    BodyMax = maps:get(<<"body_max_bytes">>, Limits),
    Length = length_of(ContentLength),
    if
        FieldsBytes > FieldsMax ->
            {431, io_lib:format("error: request header fields are ~b bytes, at most ~b allowed~n", [FieldsBytes, FieldsMax])};
        is_integer(Length), Length > BodyMax ->
            {413, io_lib:format("error: request body is ~b bytes, at most ~b allowed~n", [Length, BodyMax])};
        true -> ok
    end.

length_of(undefined) -> undefined;
length_of(V) ->
    case string:to_integer(string:trim(V)) of
        {N, <<>>} when N >= 0 -> N;
        _ -> undefined % not a number: no body this row reads; GET only
    end.

-ifdef(TEST).
-include_lib("eunit/include/eunit.hrl").
%% Run from the row folder (loadgen/test/native/native-rows.test.ts does), like the row.
refusal_test() ->
    ok = lab_contract:load(),
    ?assertEqual(ok, refusal(8192, undefined)),
    ?assertEqual(ok, refusal(100, <<"1048576">>)),
    {431, Fields} = refusal(8193, undefined),
    ?assertEqual(<<"error: request header fields are 8193 bytes, at most 8192 allowed\n">>, iolist_to_binary(Fields)),
    {413, Body} = refusal(100, <<"1048577">>),
    ?assertEqual(<<"error: request body is 1048577 bytes, at most 1048576 allowed\n">>, iolist_to_binary(Body)),
    ?assertEqual(12, field_bytes(<<"X-A">>, <<"abcde">>)).
-endif.
