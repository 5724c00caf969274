// A second Node process on a FilePendingStore directory: it takes a slot, saves its client id
// there, prints the slot's directory, and holds the slot until it is killed.
import { FilePendingStore } from '@dist-space/client/node';

const store = new FilePendingStore(process.argv[2]!);
await store.saveIdentity(process.argv[3]!);
process.stdout.write(`${await store.slotDir()}\n`);
setInterval(() => undefined, 60_000);
