package app.hearth.room;

import app.hearth.protocol.ws.WsErrorCode;

/** A refused room action: a stable protocol code and a message fit for the person who tried. */
public final class RoomException extends RuntimeException {

    private final WsErrorCode code;

    public RoomException(WsErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public WsErrorCode code() {
        return code;
    }
}
