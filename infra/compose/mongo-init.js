// One-shot replica-set setup for infra/compose/compose.yaml (run by the `mongo-init` service with
// `mongosh --nodb`). Idempotent: safe on every `docker compose up`.
//
//  1. wait for mongo1 and authenticate as root (created by the mongo image on mongo1's first start);
//  2. if the replica set is not initiated yet, initiate rs0 with mongo1..mongo3;
//  3. wait for a primary;
//  4. create Hearth's application user from the user name and password inside MONGO_URI (hearth.env),
//     or update its password and roles if it exists: readWrite on HEARTH_MONGO_DATABASE, nothing else.
//
// No secret is printed. The root password is read from the compose secret file, not the command line.

const fs = require('fs');

const SET = 'rs0';
const MEMBERS = ['mongo1:27017', 'mongo2:27017', 'mongo3:27017'];
const NOT_YET_INITIALIZED = 94; // MongoDB error code

const rootUser = process.env.MONGO_ROOT_USERNAME || 'root';
const rootPassword = fs.readFileSync('/run/secrets/mongo-root-password', 'utf8').trim();

// runCommand may throw or return { ok: 0 } depending on the shell version; normalise to a document.
function command(db, cmd) {
  try {
    return db.runCommand(cmd);
  } catch (e) {
    return { ok: 0, code: e.code, errmsg: e.message };
  }
}

// Connects and authenticates as root, retrying while the server starts (mongo1 first runs a
// localhost-only instance to create the root user, then restarts on all interfaces).
function adminConnection(uri, attempts) {
  for (let i = 1; ; i++) {
    try {
      const admin = new Mongo(uri).getDB('admin');
      admin.auth(rootUser, rootPassword);
      return admin;
    } catch (e) {
      if (i >= attempts) {
        throw new Error(`cannot connect to ${uri.replace(/\/\/.*@/, '//')}: ${e.message}`);
      }
      print(`waiting for MongoDB (${i}/${attempts})`);
      sleep(2000);
    }
  }
}

function waitFor(what, attempts, test) {
  for (let i = 1; i <= attempts; i++) {
    if (test()) {
      return;
    }
    print(`waiting for ${what} (${i}/${attempts})`);
    sleep(2000);
  }
  throw new Error(`timed out waiting for ${what}`);
}

try {
  // 1-2: initiate once.
  const seed = adminConnection('mongodb://mongo1:27017/?directConnection=true', 90);
  const status = command(seed, { replSetGetStatus: 1 });
  if (status.ok === 1) {
    print(`replica set ${status.set} already initiated`);
  } else if (status.code === NOT_YET_INITIALIZED) {
    const config = {
      _id: SET,
      // mongo1 is preferred as primary only to make a fresh set predictable; any member may take over.
      members: MEMBERS.map((host, i) => ({ _id: i, host, priority: i === 0 ? 2 : 1 })),
    };
    const result = command(seed, { replSetInitiate: config });
    if (result.ok !== 1) {
      throw new Error(`replSetInitiate failed: ${result.errmsg}`);
    }
    print(`replica set ${SET} initiated with ${MEMBERS.join(', ')}`);
  } else {
    throw new Error(`replSetGetStatus failed: ${status.errmsg}`);
  }

  // 3: a primary must exist before users can be written with majority write concern.
  waitFor('a primary', 90, () => {
    const hello = command(seed, { hello: 1 });
    return hello.ok === 1 && typeof hello.primary === 'string';
  });

  // 4: the application user, from MONGO_URI.
  const uri = process.env.MONGO_URI || '';
  const credentials = /^mongodb(?:\+srv)?:\/\/([^:@/]+):([^@/]+)@/.exec(uri);
  if (!credentials) {
    throw new Error('MONGO_URI in hearth.env must carry the application user and password (mongodb://user:password@...)');
  }
  const appUser = decodeURIComponent(credentials[1]);
  const appPassword = decodeURIComponent(credentials[2]);
  const database = process.env.HEARTH_MONGO_DATABASE || 'hearth';
  // readWrite includes creating collections and indexes, which Hearth does at start.
  const roles = [{ role: 'readWrite', db: database }];

  const admin = adminConnection(`mongodb://${MEMBERS.join(',')}/?replicaSet=${SET}`, 30);
  if (admin.getUser(appUser)) {
    admin.updateUser(appUser, { pwd: appPassword, roles });
    print(`application user ${appUser} updated (readWrite on ${database})`);
  } else {
    admin.createUser({ user: appUser, pwd: appPassword, roles });
    print(`application user ${appUser} created (readWrite on ${database})`);
  }
  quit(0);
} catch (e) {
  print(`mongo-init failed: ${e.message}`);
  quit(1);
}
