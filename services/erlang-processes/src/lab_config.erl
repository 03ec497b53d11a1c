%% Configuration from the environment only (contract/README.md, "Configuration by
%% environment"). A missing or bad value stops the row at start with one line naming the
%% variable (exit 2), never a silent default: the ports and the upstream have none, the lab
%% sets them from services/erlang-processes/service.json.
-module(lab_config).
-export([read/1]).

-define(NOT_SET, " is not set (the lab sets it from services/<row>/service.json; set it to run the service by hand)").

%% Getenv: fun(Name) -> string() | false. {ok, Map} or {error, OneLine} with every problem.
read(Getenv) ->
    {Port, P1} = int_var(Getenv, "PORT", none, 0, 65535, []),
    {LinePort, P2} = int_var(Getenv, "LINE_PORT", none, 0, 65535, P1),
    {Timeout, P3} = int_var(Getenv, "UPSTREAM_TIMEOUT_MS", 10000, 1, 600000, P2),
    Bind = case trim(Getenv("BIND")) of "" -> "127.0.0.1"; B -> B end,
    Url = string:trim(trim(Getenv("UPSTREAM_URL")), trailing, "/"),
    P4 = case Url of
        "" -> P3 ++ ["UPSTREAM_URL" ++ ?NOT_SET];
        "http://" ++ Host when Host =/= "" -> P3;
        _ -> P3 ++ ["UPSTREAM_URL must be an http:// URL with a host, got '" ++ Url ++ "'"]
    end,
    case P4 of
        [] -> {ok, #{port => Port, line_port => LinePort, bind => Bind, upstream_url => Url, upstream_timeout_ms => Timeout}};
        _ -> {error, lists:join("; ", P4)}
    end.

trim(false) -> "";
trim(S) -> string:trim(S).

int_var(Getenv, Name, Default, Lo, Hi, Problems) ->
    case trim(Getenv(Name)) of
        "" when Default =:= none -> {0, Problems ++ [Name ++ ?NOT_SET]};
        "" -> {Default, Problems};
        Raw ->
            case lists:all(fun(C) -> C >= $0 andalso C =< $9 end, Raw) andalso list_to_integer(Raw) of
                N when is_integer(N), N >= Lo, N =< Hi -> {N, Problems};
                _ -> {0, Problems ++ [lists:flatten(io_lib:format("~s must be an integer from ~b to ~b, got '~s'", [Name, Lo, Hi, Raw]))]}
            end
    end.
