package app.hearth.platform.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Set;

/**
 * The ES256 (ECDSA P-256) key pair that signs access tokens, as PEM text: PKCS#8 private key and
 * X.509 SubjectPublicKeyInfo public key, the forms openssl writes and Vert.x Auth JWT reads.
 *
 * @param generated true when this node made the pair itself on first start (fine for the embedded
 *                  default; production mode refuses it, because every node must share one pair)
 */
public record SigningKeys(String privateKeyPem, String publicKeyPem, boolean generated) {

    public static final String PRIVATE_FILE = "jwt-private.pem";
    public static final String PUBLIC_FILE = "jwt-public.pem";

    /** Reads operator-provided PEM files. */
    public static SigningKeys read(Path privateKey, Path publicKey) {
        try {
            return new SigningKeys(Files.readString(privateKey), Files.readString(publicKey), false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the JWT key files " + privateKey + " and " + publicKey, e);
        }
    }

    /** Loads the pair kept in the data directory, generating and saving it on first start. */
    public static SigningKeys loadOrGenerate(Path dataDirectory) {
        Path keyDirectory = dataDirectory.resolve("keys");
        Path privateKey = keyDirectory.resolve(PRIVATE_FILE);
        Path publicKey = keyDirectory.resolve(PUBLIC_FILE);
        try {
            if (Files.isRegularFile(privateKey) && Files.isRegularFile(publicKey)) {
                return new SigningKeys(Files.readString(privateKey), Files.readString(publicKey), true);
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            String privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
            String publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
            Files.createDirectories(keyDirectory);
            writeOwnerOnly(privateKey, privatePem);
            Files.writeString(publicKey, publicPem);
            return new SigningKeys(privatePem, publicPem, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep JWT keys under " + keyDirectory, e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("This JDK cannot generate P-256 keys", e);
        }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.writeString(file, content);
        try {
            Files.setPosixFilePermissions(file, Set.copyOf(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system (Windows): the directory's own permissions apply.
        }
    }

    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    @Override
    public String toString() {
        return "SigningKeys[generated=" + generated + "]"; // never print key material
    }
}
