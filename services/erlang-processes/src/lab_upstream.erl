%% The fetch every request makes: GET $UPSTREAM_URL/arrpi through OTP's httpc, in its own
%% profile whose sessions are kept alive. The calling process blocks in httpc:request (a
%% receive: the scheduler runs other processes). Failures map to the contract's outcomes like
%% every row: slower than UPSTREAM_TIMEOUT_MS -> timeout (504); refused, non-2xx, bad body -> 502.
-module(lab_upstream).
-export([start/2, translate/2, arrpi_url/3]).

-define(PROFILE, lab_upstream).

start(BaseUrl, TimeoutMs) ->
    {ok, _} = application:ensure_all_started(inets),
    {ok, _} = inets:start(httpc, [{profile, ?PROFILE}]),
    %% No cap on sessions (a cap would be a hidden queue in front of the upstream); idle ones
    %% stay for a pause between scenario steps (the upstream keeps them 72 s). One request at a
    %% time per connection, as every row: no pipelining, and max_keep_alive_length 1, else httpc
    %% queues a request behind a busy keep-alive session (up to that many) instead of opening one.
    ok = httpc:set_options([{max_sessions, 1000000}, {max_keep_alive_length, 1}, {keep_alive_timeout, 60000},
                            {max_pipeline_length, 0}, {pipeline_timeout, 0}, {socket_opts, [{nodelay, true}]}], ?PROFILE),
    persistent_term:put(?MODULE, {BaseUrl, TimeoutMs}).

%% The text percent-encoded as UTF-8 bytes: unreserved characters kept, the rest %XX.
encode(Text) -> << <<(enc(C))/binary>> || <<C>> <= Text >>.
enc(C) when C >= $a, C =< $z; C >= $A, C =< $Z; C >= $0, C =< $9; C =:= $-; C =:= $.; C =:= $_; C =:= $~ -> <<C>>;
enc(C) -> iolist_to_binary(io_lib:format("%~2.16.0B", [C])).

arrpi_url(Base, Text, undefined) -> iolist_to_binary([Base, "/arrpi?text=", encode(Text)]);
arrpi_url(Base, Text, Delay) -> iolist_to_binary([Base, "/arrpi?text=", encode(Text), "&delay_ms=", integer_to_binary(Delay)]).

%% {ok, Translation} | {error, Outcome, Status, Reason} (the upstream time is observed either way).
translate(Text, Delay) ->
    {Base, Timeout} = persistent_term:get(?MODULE),
    Started = erlang:monotonic_time(),
    Result = httpc:request(get, {binary_to_list(arrpi_url(Base, Text, Delay)), []},
                           [{timeout, Timeout}, {connect_timeout, Timeout}, {autoredirect, false}],
                           [{body_format, binary}], ?PROFILE),
    lab_metrics:observe_upstream(erlang:convert_time_unit(erlang:monotonic_time() - Started, native, microsecond) / 1.0e6),
    case Result of
        {ok, {{_, Status, _}, _, Body}} when Status >= 200, Status =< 299 -> translation(Body);
        {ok, {{_, Status, _}, _, _}} -> bad_gateway(io_lib:format("upstream answered HTTP ~b", [Status]));
        {error, timeout} -> {error, <<"timeout">>, 504, iolist_to_binary(io_lib:format("upstream did not answer within ~b ms", [Timeout]))};
        {error, {failed_connect, Info}} ->
            case lists:keyfind(inet, 1, Info) of
                {inet, _, econnrefused} -> bad_gateway("upstream refused the connection");
                _ -> bad_gateway(io_lib:format("upstream failed: ~0p", [Info]))
            end;
        {error, Reason} -> bad_gateway(io_lib:format("upstream failed: ~0p", [Reason]))
    end.

bad_gateway(Reason) -> {error, <<"upstream_error">>, 502, iolist_to_binary(Reason)}.

%% The upstream's line, one trailing newline dropped.
translation(Body) ->
    Text = case binary:last(<<0, Body/binary>>) of $\n -> binary:part(Body, 0, byte_size(Body) - 1); _ -> Body end,
    case {unicode:characters_to_binary(Text), binary:match(Text, <<"\n">>)} of
        {T, nomatch} when is_binary(T) -> {ok, Text};
        {T, _} when is_binary(T) -> bad_gateway("upstream sent a bad body: more than one line");
        _ -> bad_gateway("upstream sent a bad body: not UTF-8")
    end.
