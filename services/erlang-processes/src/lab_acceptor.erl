%% Both ports' listening socket and its acceptor process: start/4 listens and spawns
%% erlang_processes:accept/2 (the accept loop, a process per connection, in the row's main
%% file) on it; stop/1 is the drain's "stop accepting".
-module(lab_acceptor).
-export([start/4, stop/1]).

%% Listens on Ip:Port with Opts, Serve(Socket) running in each connection's process; returns
%% the port (0 = the OS picked one).
start(Name, Ip, Port, {Serve, Opts}) ->
    {ok, L} = gen_tcp:listen(Port, [binary, {active, false}, {reuseaddr, true}, {ip, Ip}, {backlog, 4096}, {nodelay, true} | Opts]),
    {ok, Actual} = inet:port(L),
    Acceptor = spawn(fun() -> erlang_processes:accept(L, Serve) end),
    persistent_term:put({?MODULE, Name}, {L, Acceptor}),
    Actual.

stop(Name) ->
    {L, Acceptor} = persistent_term:get({?MODULE, Name}),
    exit(Acceptor, kill),
    gen_tcp:close(L).
