package lab;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/** The accept loop both servers share: a new thread of the row's kind per accepted connection. */
final class Accept {
  private Accept() {}

  static void loop(ServerSocket server, Connections connections, Units units, Consumer<Socket> connection) {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (server.isClosed()) return;
        pause(); // EMFILE and friends: wait a little instead of spinning
        continue;
      }
      if (!connections.add(s)) {
        close(s);
        continue;
      }
      try {
        units.start(() -> connection.accept(s));
      } catch (Throwable e) { // no thread to be had (ulimit -u, memory): this connection is refused
        connections.remove(s);
        close(s);
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing more to do for a refused connection
    }
  }
}
