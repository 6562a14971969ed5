package app.hearth.platform.security;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Set;

/**
 * Encrypts clinical text at rest (intake answers, intentions, journal entries, measure answers) with
 * a Tink AEAD keyset (AES-256-GCM). Each sealed value is bound to its place by associated data — the
 * collection, the record id and the field — so a ciphertext copied into another record or field does
 * not open. The stored form is text: {@code "v1:" + base64(Tink ciphertext)}; Tink's own prefix
 * names the key that sealed it, so after a rotation (a new primary key added to the keyset, the old
 * ones kept) old values still open and new ones use the new key (docs/adr/0016).
 *
 * <p>The keyset comes from {@code HEARTH_CARE_KEYSET_FILE} in production; on the embedded default it
 * is generated into the data directory on first start, beside the JWT keys.
 */
public final class FieldCipher {

    public static final String FILE = "care-keyset.json";
    private static final String PREFIX = "v1:";

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink's AEAD primitives could not be registered", e);
        }
    }

    private final Aead aead;
    private final boolean generated;

    private FieldCipher(KeysetHandle keyset, boolean generated) {
        try {
            this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The clinical-data keyset holds no usable AEAD key", e);
        }
        this.generated = generated;
    }

    /** A keyset in Tink's JSON form (cleartext; protect the file, or the secret it came from). */
    public static FieldCipher fromKeysetJson(String json) {
        try {
            return new FieldCipher(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()), false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The clinical-data keyset could not be read as a Tink JSON keyset", e);
        }
    }

    public static FieldCipher read(Path keysetFile) {
        try {
            return fromKeysetJson(Files.readString(keysetFile));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the clinical-data keyset " + keysetFile, e);
        }
    }

    /** Loads the keyset kept in the data directory, generating and saving it (owner-only) on first start. */
    public static FieldCipher loadOrGenerate(Path dataDirectory) {
        Path keyDirectory = dataDirectory.resolve("keys");
        Path file = keyDirectory.resolve(FILE);
        try {
            if (Files.isRegularFile(file)) {
                return new FieldCipher(TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file),
                        InsecureSecretKeyAccess.get()), true);
            }
            KeysetHandle keyset = KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM"));
            Files.createDirectories(keyDirectory);
            Files.writeString(file, TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
            try {
                Files.setPosixFilePermissions(file, Set.copyOf(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the directory's permissions apply
            }
            return new FieldCipher(keyset, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the clinical-data keyset under " + keyDirectory, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The clinical-data keyset under " + keyDirectory + " could not be used", e);
        }
    }

    /** A fresh keyset in Tink's JSON form: what an operator stores as {@code HEARTH_CARE_KEYSET_FILE}. */
    public static String newKeysetJson() {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM")),
                    InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when this node made the keyset itself (the embedded default); production refuses that. */
    public boolean generated() {
        return generated;
    }

    /**
     * Seals text for one place. {@code context} names that place, e.g. {@code "care_journal/<id>/text"};
     * the same context must be given to {@link #open}. Null stays null.
     */
    public String seal(String plaintext, String context) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] sealed = aead.encrypt(plaintext.getBytes(StandardCharsets.UTF_8), context.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Sealing failed", e);
        }
    }

    /** Opens what {@link #seal} made for the same context; anything else (tampered, moved) is refused. */
    public String open(String sealed, String context) {
        if (sealed == null) {
            return null;
        }
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("Not a sealed value");
        }
        try {
            byte[] plain = aead.decrypt(Base64.getDecoder().decode(sealed.substring(PREFIX.length())),
                    context.getBytes(StandardCharsets.UTF_8));
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // never include the value or the context's ids' content in the message
            throw new IllegalStateException("A sealed value could not be opened (wrong key, wrong place or tampered)");
        }
    }

    @Override
    public String toString() {
        return "FieldCipher[generated=" + generated + "]";
    }
}
