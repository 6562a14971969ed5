package app.hearth.platform.store;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * Turns at periodic chores that every node runs on a timer but one node at a time is enough for
 * (a scan of every patient, say): the first node to ask after the previous turn ran out takes it,
 * in one conditional write; the others skip until it runs out. A node that dies mid-turn only
 * delays the chore until its turn runs out. One document per chore in {@value #COLLECTION}.
 */
public final class ClusterTurns {

    public static final String COLLECTION = "cluster_turns";

    private final MongoCollection<Document> turns;

    public ClusterTurns(Store store) {
        this.turns = store.collection(COLLECTION);
    }

    /**
     * Takes {@code chore}'s turn until {@code now + hold} if nobody holds it at {@code now}.
     *
     * @return whether this caller has the turn (blocking: call it on a store worker)
     */
    public boolean take(String chore, Instant now, Duration hold) {
        // the chore's document exists first (an upsert on _id alone never conflicts), so taking the
        // turn is a plain conditional update: no refused insert for the store to report
        try {
            turns.updateOne(Filters.eq("_id", chore), Updates.setOnInsert("until", new Date(0)), new UpdateOptions().upsert(true));
        } catch (MongoWriteException e) {
            if (!Documents.isDuplicateKey(e)) {
                throw e; // a duplicate: another node created it at the same moment, which is as good
            }
        }
        return turns.findOneAndUpdate(Filters.and(Filters.eq("_id", chore), Filters.lte("until", Date.from(now))),
                Updates.set("until", Date.from(now.plus(hold)))) != null;
    }
}
