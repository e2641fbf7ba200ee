// Starts Amazon DynamoDB Local listening on 127.0.0.1 only.
//
// DynamoDB Local has no bind-host option: DynamoDBProxyServer builds `new org.eclipse.jetty.server.Server(port)`,
// whose connector listens on every interface. This main builds the server from the same command-line arguments as
// DynamoDB Local's own main (ServerRunner.createServerFromCommandLineArgs), sets the loopback host on its Jetty
// connectors before anything is bound, and starts it. Run with DynamoDBLocal.jar on the class path; the launcher
// compiles it once into the per-user cache (loopback-shim.mjs) or runs it in Java's source-file mode.
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

public final class LoopbackDynamoDbLocal {
  private static final String LOOPBACK_HOST = "127.0.0.1";

  public static void main(String[] args) {
    try {
      DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
      // The Jetty server is a private field without accessor; both classes are on the class path (no module wall).
      Field serverField = DynamoDBProxyServer.class.getDeclaredField("server");
      serverField.setAccessible(true);
      Server jetty = (Server) serverField.get(proxy);
      Connector[] connectors = jetty.getConnectors();
      for (Connector connector : connectors) {
        // Refuse to start rather than listen on every interface if a connector is of a kind we cannot restrict.
        if (!(connector instanceof AbstractNetworkConnector)) {
          throw new IllegalStateException("cannot restrict " + connector + " to " + LOOPBACK_HOST);
        }
        ((AbstractNetworkConnector) connector).setHost(LOOPBACK_HOST);
      }
      if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local's Jetty server has no connector");
      proxy.start();
      // start() swallows a SocketException (printing "Could not start server on port …") and stops Jetty.
      if (!jetty.isStarted()) System.exit(1);
    } catch (Throwable error) {
      // Exit instead of leaving a JVM without a server (worker threads are already running); the launcher reads
      // this trace, e.g. "java.io.IOException: Failed to bind to /127.0.0.1:8000" when the port is taken.
      error.printStackTrace();
      System.exit(1);
    }
  }
}
