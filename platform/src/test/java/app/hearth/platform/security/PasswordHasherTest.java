package app.hearth.platform.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Argon2id password hashes")
class PasswordHasherTest {

    private final PasswordHasher hasher = PasswordHasher.recommended();

    @Test
    @DisplayName("verifies the right password and refuses a wrong one")
    void verify() {
        String hash = hasher.hash("correct horse battery");
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        assertTrue(hasher.verify("correct horse battery", hash));
        assertFalse(hasher.verify("correct horse batterY", hash));
    }

    @Test
    @DisplayName("salts every hash, so equal passwords give different hashes")
    void salted() {
        assertNotEquals(hasher.hash("same password!"), hasher.hash("same password!"));
    }

    @Test
    @DisplayName("a malformed stored hash is a failed check, not an exception")
    void malformed() {
        assertFalse(hasher.verify("x", null));
        assertFalse(hasher.verify("x", "plain-text"));
        assertFalse(hasher.verify("x", "$argon2id$v=19$m=abc,t=2,p=1$AAAA$AAAA"));
        assertFalse(hasher.verify("x", "$argon2i$v=19$m=16,t=2,p=1$AAAA$AAAA"));
    }

    @Test
    @DisplayName("hashes made with weaker parameters are flagged for rehash")
    void rehash() {
        String weak = new PasswordHasher(1024, 1, 1).hash("pw-pw-pw-pw-pw");
        assertTrue(hasher.needsRehash(weak));
        assertFalse(hasher.needsRehash(hasher.hash("pw-pw-pw-pw-pw")));
        assertTrue(hasher.verify("pw-pw-pw-pw-pw", weak), "old hashes keep working");
    }
}
