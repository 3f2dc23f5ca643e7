// The writes of a delivery, gathered across messages sent at the same moment (group commit,
// lib/batched-db.ts): a rush of confirmations claims its keys in one insert and records its
// outcomes in one bulk update, instead of two commands per message. A claim refused by the
// unique key is still that message's own answer (a duplicate: it is not sent).
import { batchedInsert, batchedUpdate } from '../../lib/batched-db.ts';
import { NotificationModel } from '../../models/notification.model.ts';

export function createDeliveryWrites() {
  return {
    /** Inserts a claim; rejects with the driver's duplicate key error when its key is taken. */
    claim: batchedInsert(() => NotificationModel.collection as never),
    /** One conditional update of a notification. */
    update: batchedUpdate(() => NotificationModel.collection as never),
  };
}

export type DeliveryWrites = ReturnType<typeof createDeliveryWrites>;
