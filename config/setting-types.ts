import { z } from 'zod';

/** A URL setting whose scheme is one of `protocols`; messages say what is wrong in dtq's words. */
export const urlSetting = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

/** The base URL of an HTTP API a job type calls, with the public default. */
export const httpUrlSetting = (defaultUrl: string) => urlSetting(['http:', 'https:']).default(defaultUrl);

/** A secret such as an API token: optional, never empty. */
export const secretSetting = () => z.string().min(1, 'must not be empty').optional();
