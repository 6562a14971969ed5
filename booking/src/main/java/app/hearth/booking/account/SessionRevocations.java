package app.hearth.booking.account;

import java.time.Instant;
import java.util.Collection;

/**
 * Where the account service reports sessions that ended before their access tokens expired, so
 * that those tokens stop working on every node within seconds (docs/adr/0013). A session is a
 * refresh-token family: its id travels in every access token minted for it ({@code sid}).
 */
public interface SessionRevocations {

    /** Sign-out or a reused refresh token: these sessions' access tokens stop working. */
    void revokeSessions(Collection<String> sessionIds);

    /** A new password: every access token of the person issued before {@code notBefore} stops working. */
    void revokePerson(String personId, Instant notBefore);

}
