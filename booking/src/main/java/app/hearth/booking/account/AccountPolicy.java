package app.hearth.booking.account;

import java.time.Duration;

/**
 * Lifetimes and limits for sign-in, set by the node's configuration.
 *
 * @param publicBaseUrl          where people open Hearth; set-password links start with it
 * @param refreshTokenTtl        how long a refresh token stays usable if not rotated
 * @param setPasswordTtl         how long a set-password link works (24 h by default)
 * @param failedLoginsPerAccount failed attempts for one account from one client before that client
 *                               waits {@link #FIRST_LOGIN_DELAY}, doubled by each further failure
 *                               (429 with Retry-After); other clients of the account are not slowed
 * @param loginsPerAddress       attempts per client address (all accounts) within {@code loginWindow} before 429
 * @param loginWindow            the address window; also the longest delay, and how long a client's
 *                               failures are remembered after its wait ended
 */
public record AccountPolicy(String publicBaseUrl, Duration refreshTokenTtl, Duration setPasswordTtl,
                            int failedLoginsPerAccount, int loginsPerAddress, Duration loginWindow) {

    public static final int MIN_PASSWORD_LENGTH = 12;
    public static final int MAX_PASSWORD_LENGTH = 256;
    /** The first wait of a client that used up its free failures for an account; it doubles per failure. */
    public static final Duration FIRST_LOGIN_DELAY = Duration.ofSeconds(1);
    /**
     * Failures of an account from all clients together (within the window), as a multiple of
     * {@code failedLoginsPerAccount}, past which every client that fails for it waits from its first
     * failure on (guessing from many addresses); clients that have not failed are never slowed.
     */
    public static final int ACCOUNT_CEILING_FACTOR = 4;

    public AccountPolicy {
        publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
    }
}
