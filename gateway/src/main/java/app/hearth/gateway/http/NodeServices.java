package app.hearth.gateway.http;

import app.hearth.booking.account.AccountService;
import app.hearth.booking.people.PeopleService;
import app.hearth.gateway.auth.AccessTokens;
import app.hearth.platform.audit.AuditLog;
import io.vertx.core.buffer.Buffer;
import io.vertx.openapi.contract.OpenAPIContract;

/** What the HTTP verticles of one node share; built once by the node, read-only afterwards. */
public record NodeServices(
        AccountService accounts,
        PeopleService people,
        app.hearth.booking.schedule.BookingService booking,
        app.hearth.booking.calendar.CalendarFeeds calendarFeeds,
        AuditLog audit,
        AccessTokens tokens,
        Readiness readiness,
        OpenAPIContract contract,
        Buffer contractYaml,
        long maxBodyBytes,
        String publicBaseUrl,
        boolean httpsOnly,
        boolean trustForwarded,
        app.hearth.gateway.auth.ConnectionTickets connectionTickets,
        app.hearth.room.RoomHub rooms,
        app.hearth.room.library.ExerciseLibrary library,
        app.hearth.room.library.AudioStore audio,
        app.hearth.gateway.auth.RevokedSessions revokedSessions,
        app.hearth.gateway.rooms.SessionSockets sessionSockets,
        app.hearth.care.record.CareRecordService careRecord,
        app.hearth.care.measures.MeasuresService measures,
        app.hearth.care.CareEvents careEvents,
        app.hearth.care.notes.NotesService notes,
        app.hearth.care.aftercare.AftercareService aftercare,
        app.hearth.gateway.mail.Mailer mailer,
        app.hearth.gateway.metrics.HearthMetrics metrics,
        app.hearth.fhir.FhirReads fhir,
        app.hearth.fhir.FhirJson fhirJson) {
}
