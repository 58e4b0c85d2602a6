import { mapCatalog } from '../../../contracts/job-types.js';

/** How job types read in the UI (each type's display_name); the value sent stays the contract's name. */
export const JOB_TYPE_LABELS = mapCatalog((contract) => contract.display_name);
