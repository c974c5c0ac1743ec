package io.gitwatch.polling;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.RemoteSession2;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.util.FS;

/**
 * The SSH sessions of one {@link RemoteCall}: the call's deadline closes them (and with them the
 * socket), and what {@code git-upload-pack} sends counts against the call's byte cap.
 */
final class BoundedSshSessions extends SshSessionFactory {

  private final SshdSessionFactory sessions;
  private final RemoteCall call;

  BoundedSshSessions(SshdSessionFactory sessions, RemoteCall call) {
    this.sessions = sessions;
    this.call = call;
    call.register(sessions::close);
  }

  @Override
  public RemoteSession getSession(URIish uri, CredentialsProvider credentials, FS fs, int timeout)
      throws TransportException {
    RemoteSession session = sessions.getSession(uri, credentials, fs, timeout);
    return new Bounded(session);
  }

  @Override
  public String getType() {
    return sessions.getType();
  }

  @Override
  public void releaseSession(RemoteSession session) {
    session.disconnect();
  }

  private final class Bounded implements RemoteSession2 {
    private final RemoteSession session;

    Bounded(RemoteSession session) {
      this.session = session;
    }

    @Override
    public Process exec(String command, int timeout) throws IOException {
      return bounded(session.exec(command, timeout));
    }

    @Override
    public Process exec(String command, Map<String, String> environment, int timeout)
        throws IOException {
      return bounded(
          session instanceof RemoteSession2 withEnvironment
              ? withEnvironment.exec(command, environment, timeout)
              : session.exec(command, timeout));
    }

    @Override
    public void disconnect() {
      session.disconnect();
    }
  }

  private Process bounded(Process process) {
    InputStream in = call.bounded(process.getInputStream());
    return new Process() {
      @Override
      public OutputStream getOutputStream() {
        return process.getOutputStream();
      }

      @Override
      public InputStream getInputStream() {
        return in;
      }

      @Override
      public InputStream getErrorStream() {
        return process.getErrorStream();
      }

      @Override
      public int waitFor() throws InterruptedException {
        return process.waitFor();
      }

      @Override
      public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit);
      }

      @Override
      public int exitValue() {
        return process.exitValue();
      }

      @Override
      public void destroy() {
        process.destroy();
      }
    };
  }
}
