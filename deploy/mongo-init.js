// Run once by compose.yaml's mongo-init service (`mongosh --nodb`): initiates the replica set
// rs0 on its three members and creates the application's user, readWrite on its database
// only. Safe to run again: a replica set or a user that exists is left as it is.
const password = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return encodeURIComponent(value);
};
const auth = `root:${password('MONGO_ROOT_PASSWORD')}@`;
const members = ['mongo1:27017', 'mongo2:27017', 'mongo3:27017'];

const first = new Mongo(`mongodb://${auth}${members[0]}/admin?directConnection=true&authSource=admin`);
const firstAdmin = first.getDB('admin');

/** The replica set's status, or null before it is initiated. */
function status() {
  try {
    const s = firstAdmin.runCommand({ replSetGetStatus: 1 });
    if (s.ok) return s;
    if (s.code === 94) return null; // NotYetInitialized
    throw new Error(`replSetGetStatus: ${JSON.stringify(s)}`);
  } catch (err) {
    if (err.code === 94 || err.codeName === 'NotYetInitialized') return null;
    throw err;
  }
}

if (status() === null) {
  print('initiating replica set rs0');
  firstAdmin.runCommand({
    replSetInitiate: {
      _id: 'rs0',
      // mongo1 is preferred as primary while it is healthy; any member can take over.
      members: members.map((host, i) => ({ _id: i, host, priority: i === 0 ? 2 : 1 })),
    },
  });
}

for (let waited = 0; ; waited++) {
  const s = status();
  if (s?.members.some((m) => m.stateStr === 'PRIMARY')) break;
  if (waited >= 120) throw new Error('no primary was elected within 2 minutes');
  sleep(1000);
}

const set = new Mongo(`mongodb://${auth}${members.join(',')}/admin?replicaSet=rs0&authSource=admin`);
const admin = set.getDB('admin');
if (admin.getUser('registry')) {
  print('user registry exists');
} else {
  admin.createUser(
    {
      user: 'registry',
      pwd: process.env.MONGO_APP_PASSWORD,
      roles: [{ role: 'readWrite', db: 'registry' }],
    },
    { w: 'majority' },
  );
  print('created user registry (readWrite on registry)');
}
