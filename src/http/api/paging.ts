import { z } from 'zod';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().min(1).max(64).optional(),
});
