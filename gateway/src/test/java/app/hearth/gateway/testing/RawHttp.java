package app.hearth.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP/1.1 over a plain loopback socket, for what ordinary clients hide: what the server answers
 * before a body is sent, how much of a body it took before answering, whether it closed the
 * connection, and requests no well-behaved client would send (huge URIs and headers). Every read has
 * a generous deadline so that a server that never answers fails the test instead of hanging it.
 */
public final class RawHttp implements AutoCloseable {

    /** A bound on waiting, not a timing assertion: answers come in milliseconds. */
    private static final int READ_TIMEOUT_MS = 60_000;

    /** One answer: its status, headers (names in lower case) and body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MS);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) {
        try {
            return new RawHttp(new Socket("127.0.0.1", port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request line and headers (each "Name: value"), ending the head. */
    public void sendHead(String requestLine, String... headers) {
        StringBuilder head = new StringBuilder(requestLine).append("\r\n").append("Host: 127.0.0.1\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        head.append("\r\n");
        try {
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes raw bytes; false when the server has closed the connection. */
    public boolean send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Streams {@code total} body bytes (the given head first, then zeros) in 64 KiB pieces, chunked
     * if asked, while reading the answer at the same time. Stops sending when the answer has come
     * or the server has closed the connection.
     *
     * @return the answer and how many body bytes were written before sending stopped
     */
    public Streamed streamBody(byte[] head, long total, boolean chunked) {
        CompletableFuture<Answer> answer = CompletableFuture.supplyAsync(this::readAnswer);
        long written = 0;
        byte[] zeros = new byte[64 * 1024];
        boolean open = true;
        while (open && written < total && !answer.isDone()) {
            byte[] piece;
            if (written < head.length) {
                piece = java.util.Arrays.copyOfRange(head, (int) written, head.length);
            } else {
                piece = zeros.length <= total - written ? zeros : java.util.Arrays.copyOf(zeros, (int) (total - written));
            }
            if (chunked) {
                open = send((Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.US_ASCII))
                        && send(piece) && send("\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                open = send(piece);
            }
            if (open) {
                written += piece.length;
            }
        }
        if (open && chunked && written >= total && !answer.isDone()) {
            send("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        try {
            return new Streamed(answer.get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS), written);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no answer after " + written + " body bytes", e);
        }
    }

    public record Streamed(Answer answer, long bodyBytesWritten) {
    }

    /** Reads one answer (an interim 1xx has no body). */
    public Answer readAnswer() {
        try {
            String head = readHead();
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
            }
            if (status < 200) {
                return new Answer(status, headers, "");
            }
            String length = headers.get("content-length");
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (length != null) {
                int n = Integer.parseInt(length);
                body.write(in.readNBytes(n));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                while (true) {
                    int size = Integer.parseInt(readLine().split(";")[0].trim(), 16);
                    if (size == 0) {
                        readLine();
                        break;
                    }
                    body.write(in.readNBytes(size));
                    readLine();
                }
            }
            return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server closes the connection (end of stream) within the read deadline. */
    public boolean closedByServer() {
        try {
            byte[] buffer = new byte[8192];
            while (true) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: closed too
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes of an answer: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 64 * 1024) {
                throw new IOException("answer head too long");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
