package app.hearth.booking.account;

import app.hearth.platform.problem.ProblemType;

/** Named errors of sign-in and passwords. Slugs are public: never rename or reuse one. */
public final class AccountProblems {

    private AccountProblems() {
    }

    public static final ProblemType BAD_CREDENTIALS = new ProblemType("bad-credentials", 401, "Email or password is wrong");
    public static final ProblemType TOO_MANY_ATTEMPTS = new ProblemType("too-many-attempts", 429, "Too many sign-in attempts");
    public static final ProblemType REFRESH_TOKEN_INVALID = new ProblemType("refresh-token-invalid", 401, "Please sign in again");
    public static final ProblemType LINK_INVALID = new ProblemType("set-password-link-invalid", 410, "This set-password link is not valid");
    public static final ProblemType LINK_USED = new ProblemType("set-password-link-used", 410, "This set-password link was already used");
    public static final ProblemType LINK_EXPIRED = new ProblemType("set-password-link-expired", 410, "This set-password link has expired");
    /** The right password of a deactivated account (a wrong one stays bad-credentials: nothing is revealed). */
    public static final ProblemType ACCOUNT_DEACTIVATED = new ProblemType("account-deactivated", 403,
            "This account is deactivated; ask your clinic if you need access again");
    public static final ProblemType WEAK_PASSWORD = new ProblemType("weak-password", 400, "Choose a stronger password");

    /** A 429 that says when to come back; the edge turns it into Retry-After. */
    public static final class RetryLater extends RuntimeException {
        private final long retryAfterSeconds;

        public RetryLater(long retryAfterSeconds) {
            super("retry after " + retryAfterSeconds + " s", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
