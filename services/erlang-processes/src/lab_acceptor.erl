%% The accept loop both protocols share: one acceptor process per listening port hands each
%% accepted socket to a new process running Module:connection(Socket) (a process per
%% connection); stop/1 is the drain's "stop accepting".
-module(lab_acceptor).
-export([start/4, stop/1]).

%% Listens on Ip:Port with Opts; returns the port (0 = the OS picked one).
start(Name, Ip, Port, {Module, Opts}) ->
    {ok, L} = gen_tcp:listen(Port, [binary, {active, false}, {reuseaddr, true}, {ip, Ip}, {backlog, 4096}, {nodelay, true} | Opts]),
    {ok, Actual} = inet:port(L),
    Acceptor = spawn(fun() -> accept(L, Module) end),
    persistent_term:put({?MODULE, Name}, {L, Acceptor}),
    Actual.

stop(Name) ->
    {L, Acceptor} = persistent_term:get({?MODULE, Name}),
    exit(Acceptor, kill),
    gen_tcp:close(L).

accept(L, Module) ->
    case gen_tcp:accept(L) of
        {ok, S} ->
            Pid = spawn(fun() -> receive go -> Module:connection(S) end end),
            ok = gen_tcp:controlling_process(S, Pid),
            Pid ! go,
            accept(L, Module);
        {error, closed} -> ok;
        {error, _} -> receive after 5 -> accept(L, Module) end % EMFILE and friends: no spinning
    end.
