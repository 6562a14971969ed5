package app.hearth.booking.account;

import java.time.Duration;

/**
 * Lifetimes and limits for sign-in, set by the node's configuration.
 *
 * @param publicBaseUrl          where people open Hearth; set-password links start with it
 * @param refreshTokenTtl        how long a refresh token stays usable if not rotated
 * @param setPasswordTtl         how long a set-password link works (24 h by default)
 * @param failedLoginsPerAccount failed attempts per account within {@code loginWindow} before 429
 * @param loginsPerAddress       attempts per client address within {@code loginWindow} before 429
 */
public record AccountPolicy(String publicBaseUrl, Duration refreshTokenTtl, Duration setPasswordTtl,
                            int failedLoginsPerAccount, int loginsPerAddress, Duration loginWindow) {

    public static final int MIN_PASSWORD_LENGTH = 12;
    public static final int MAX_PASSWORD_LENGTH = 256;

    public AccountPolicy {
        publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
    }
}
