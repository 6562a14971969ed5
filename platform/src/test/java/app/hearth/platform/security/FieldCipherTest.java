package app.hearth.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FieldCipherTest {

    @TempDir
    Path dir;

    @Test
    void sealsAndOpensInItsPlaceOnly() {
        FieldCipher cipher = FieldCipher.loadOrGenerate(dir);
        String sealed = cipher.seal("I want to feel at home in my body", "care_intentions/p1/text");
        assertFalse(sealed.contains("home"));
        assertTrue(sealed.startsWith("v1:"));
        assertEquals("I want to feel at home in my body", cipher.open(sealed, "care_intentions/p1/text"));
        // the same text sealed twice differs (random nonce)
        assertNotEquals(sealed, cipher.seal("I want to feel at home in my body", "care_intentions/p1/text"));
        // moved to another record or field: refused
        assertThrows(IllegalStateException.class, () -> cipher.open(sealed, "care_intentions/p2/text"));
        String tampered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThrows(IllegalStateException.class, () -> cipher.open(tampered, "care_intentions/p1/text"));
    }

    @Test
    void theGeneratedKeysetSurvivesARestartAndAnotherKeysetCannotOpen() throws Exception {
        FieldCipher first = FieldCipher.loadOrGenerate(dir);
        String sealed = first.seal("history", "c/1/f");
        FieldCipher again = FieldCipher.loadOrGenerate(dir);
        assertEquals("history", again.open(sealed, "c/1/f"));
        assertTrue(Files.readString(dir.resolve("keys").resolve(FieldCipher.FILE)).contains("AesGcmKey"));
        FieldCipher other = FieldCipher.fromKeysetJson(FieldCipher.newKeysetJson());
        assertThrows(IllegalStateException.class, () -> other.open(sealed, "c/1/f"));
        assertEquals(null, other.seal(null, "x"));
    }
}
