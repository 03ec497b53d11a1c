%% The HTTP side: a small HTTP/1.1 server on gen_tcp, a BEAM process per connection (the
%% socket's {packet, http_bin} mode parses the request line and headers in the VM's driver).
%% The connection process loops: read a request, handle it (blocking calls: the process waits
%% in a receive, the scheduler runs others), write the answer in one send, keep the connection
%% unless the client asked to close. GET only; a body is never read (lab_limits refuses one over
%% the contract's limit).
-module(lab_http).
-export([start/2, stop_accepting/0, connection/1]).

-define(TEXT, <<"text/plain; charset=utf-8">>).

start(Ip, Port) ->
    %% A request line carries up to 4096 bytes of text, %-encoded: three times that, and headers.
    lab_acceptor:start(http, Ip, Port, {fun ?MODULE:connection/1, [{packet, http_bin}, {buffer, 65536}]}).

%% The drain: no new connection; the open ones answer what they are answering, then close.
stop_accepting() -> lab_acceptor:stop(http).

connection(S) ->
    lab_metrics:gauge_add(open, <<"http">>, 1),
    lab_drain:register(S),
    try loop(S) after lab_drain:unregister(), lab_metrics:gauge_add(open, <<"http">>, -1), gen_tcp:close(S) end.

%% Idle keep-alive connections wait here; the drain closes them at once.
loop(S) ->
    case gen_tcp:recv(S, 0, 72000) of
        {ok, {http_request, Method, Target, Version}} ->
            case headers(S, #{close => Version =:= {1, 0}, bytes => 0, length => undefined}) of
                {ok, #{close := Close0, bytes := Bytes, length := Length}} ->
                    %% A refusal is not counted (no request was served) and closes the
                    %% connection: the rest of an oversize request is not read.
                    {Status, Type, Body, Close} = case lab_limits:refusal(Bytes, Length) of
                        ok -> erlang:append_element(respond(Method, Target), Close0);
                        {St, Reason} -> {St, ?TEXT, Reason, true}
                    end,
                    Sent = gen_tcp:send(S, [<<"HTTP/1.1 ">>, integer_to_binary(Status), " ", reason(Status),
                                            "\r\nContent-Type: ", Type, "\r\nContent-Length: ", integer_to_binary(iolist_size(Body)),
                                            case Close of true -> "\r\nConnection: close"; false -> "" end, "\r\n\r\n", Body]),
                    case Sent =:= ok andalso not Close of
                        true -> loop(S);
                        false -> ok
                    end;
                closed -> ok
            end;
        {ok, {http_error, _}} ->
            gen_tcp:send(S, <<"HTTP/1.1 400 Bad Request\r\nContent-Length: 17\r\nConnection: close\r\n\r\nbad http request\n">>);
        _ -> ok % closed, timed out, or the drain
    end.

%% {ok, #{close, bytes, length}}: whether the connection ends after this answer, the header
%% fields' bytes as sent (lab_limits) and the Content-Length.
headers(S, #{close := Close, bytes := Bytes} = H) ->
    case gen_tcp:recv(S, 0, 30000) of
        {ok, {http_header, _, Field, Name, V}} ->
            H1 = H#{bytes := Bytes + lab_limits:field_bytes(Name, V)},
            headers(S, case Field of
                'Connection' -> H1#{close := string:lowercase(V) =:= <<"close">> orelse (Close andalso string:lowercase(V) =/= <<"keep-alive">>)};
                'Content-Length' -> H1#{length := V};
                _ -> H1
            end);
        {ok, http_eoh} -> {ok, H};
        _ -> closed
    end.

reason(200) -> "OK"; reason(400) -> "Bad Request"; reason(404) -> "Not Found"; reason(405) -> "Method Not Allowed";
reason(409) -> "Conflict"; reason(413) -> "Content Too Large";
reason(431) -> "Request Header Fields Too Large"; reason(502) -> "Bad Gateway"; reason(504) -> "Gateway Timeout"; reason(_) -> "Status".

respond('GET', {abs_path, Target}) ->
    {Path, Query} = case binary:split(Target, <<"?">>) of [P, Q] -> {P, Q}; [P] -> {P, <<>>} end,
    route(Path, lab_validation:parse_query(Query));
respond(Method, _) ->
    M = if is_atom(Method) -> atom_to_binary(Method); true -> Method end,
    {405, ?TEXT, erlang_processes:one_line(["method ", M, " not allowed, use GET"])}.

route(<<"/echo">>, Q) -> echo(Q);
route(<<"/healthz">>, _) -> {200, ?TEXT, <<"ok\n">>};
route(<<"/metrics">>, _) -> {200, <<"text/plain; version=0.0.4; charset=utf-8">>, lab_metrics:scrape()};
route(<<"/overhead">>, Q) ->
    case lab_validation:overhead(Q) of
        {error, Reason} -> {400, ?TEXT, erlang_processes:one_line(Reason)};
        {ok, P} ->
            case erlang_processes:experiment(P) of
                {busy, Reason} -> {409, ?TEXT, erlang_processes:one_line(Reason)};
                {ok, Json} -> {200, <<"application/json">>, [Json, "\n"]}
            end
    end;
route(Path, _) -> {404, ?TEXT, erlang_processes:one_line(["no route GET ", binary:part(Path, 0, min(200, byte_size(Path)))])}.

echo(Q) ->
    Started = erlang:monotonic_time(),
    lab_metrics:gauge_add(inflight, <<"http">>, 1),
    try
        {Outcome, Status, Body} = case lab_validation:echo(Q) of
            {error, Reason} -> {<<"bad_request">>, 400, erlang_processes:one_line(Reason)};
            {ok, P} ->
                case erlang_processes:job(P) of
                    {ok, T} -> {<<"ok">>, 200, [<<"echo: ">>, T, <<"\n">>]};
                    {error, O, St, Reason} -> {O, St, [<<"error: ">>, erlang_processes:one_line(Reason)]}
                end
        end,
        %% Counted before the answer leaves, so a scrape right after the client got it sees it.
        lab_metrics:record_request(<<"http">>, Outcome, erlang_processes:seconds_since(Started)),
        {Status, ?TEXT, Body}
    after
        lab_metrics:gauge_add(inflight, <<"http">>, -1)
    end.
