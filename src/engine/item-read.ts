import type { ItemInputType } from '../chain/item-reader.js';

/** What a Map's ItemReader asks of Cloud Storage, its `.$` paths resolved. */
export type ItemReadRequest =
  | {
      readonly resource: 'gcs:listObjects';
      readonly bucket: string;
      readonly prefix?: string;
      readonly matchGlob?: string;
    }
  | {
      readonly resource: 'gcs:getObject';
      readonly bucket: string;
      readonly object: string;
      readonly inputType: ItemInputType;
    };

/** A read a Map waits for (frame wait `items`): its id, unique per entry, attempt and redrive. */
export interface ItemsRead {
  readonly id: string;
  readonly request: ItemReadRequest;
}
