import { MemoryOpLogStore } from '@dist-space/oplog-storage';
import { runOpLogStoreConformance } from '@dist-space/oplog-storage/testing';

runOpLogStoreConformance('MemoryOpLogStore', async () => {
  let store = new MemoryOpLogStore();
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new MemoryOpLogStore(store.data);
      return store;
    },
    dispose: () => store.close(),
  };
});
