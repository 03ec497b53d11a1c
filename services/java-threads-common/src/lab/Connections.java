package lab;

import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open connections of one server and whether each is answering right now, for the drain:
 * on SIGTERM an idle connection (its thread blocked in a read) is closed at once, which wakes
 * that thread; a busy one finishes its answer and then closes. A thread blocked in a socket
 * read is woken only by closing the socket, for platform and virtual threads alike.
 */
final class Connections {
  private final Map<Socket, Boolean> busy = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  /** false when the server is draining: the caller closes the new socket. */
  synchronized boolean add(Socket s) {
    if (stopping) return false;
    busy.put(s, false);
    return true;
  }

  synchronized void remove(Socket s) {
    busy.remove(s);
    notifyAll();
  }

  /** A request (or line) arrived: false when draining, and it is not answered. */
  synchronized boolean begin(Socket s) {
    if (stopping) return false;
    busy.put(s, true);
    return true;
  }

  synchronized void end(Socket s) {
    if (busy.containsKey(s)) busy.put(s, false);
  }

  boolean stopping() {
    return stopping;
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing is all that is wanted
    }
  }

  /** Closes idle connections now, waits up to timeoutMs for busy ones, then closes what is left. */
  synchronized void drain(long timeoutMs) throws InterruptedException {
    stopping = true;
    busy.forEach((s, answering) -> {
      if (!answering) close(s);
    });
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!busy.isEmpty() && System.currentTimeMillis() < deadline) wait(Math.max(1, deadline - System.currentTimeMillis()));
    busy.keySet().forEach(Connections::close);
  }
}
