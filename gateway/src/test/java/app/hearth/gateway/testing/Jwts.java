package app.hearth.gateway.testing;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hand-made JWTs for hostile tests: the server must not care who built a token, only whether it is valid. */
public final class Jwts {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Jwts() {
    }

    public static String unsigned(JsonObject header, JsonObject claims) {
        return B64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    }

    public static String es256(JsonObject claims, PrivateKey key) throws Exception {
        String input = unsigned(new JsonObject().put("alg", "ES256").put("typ", "JWT"), claims);
        Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initSign(key);
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(signature.sign());
    }

    /** ES256 with the signature in DER form (ASN.1 SEQUENCE of r and s), which JWS does not allow (RFC 7518 §3.4). */
    public static String es256Der(JsonObject claims, PrivateKey key) throws Exception {
        String input = unsigned(new JsonObject().put("alg", "ES256").put("typ", "JWT"), claims);
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(key);
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(signature.sign());
    }

    public static String hs256(JsonObject claims, byte[] secret) throws Exception {
        String input = unsigned(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    public static String none(JsonObject claims) {
        return unsigned(new JsonObject().put("alg", "none").put("typ", "JWT"), claims) + ".";
    }

    /** The node's own signing key, read from its data directory. */
    public static PrivateKey nodeKey(Path dataDirectory) throws Exception {
        String pem = Files.readString(dataDirectory.resolve("keys").resolve("jwt-private.pem"));
        return privateKey(pem);
    }

    public static PrivateKey strangerKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair().getPrivate();
    }

    public static PrivateKey privateKey(String pem) throws Exception {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    /** The claims of a token the node issued, so a forged one can copy issuer and audience. */
    public static JsonObject claimsOf(String token) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }
}
