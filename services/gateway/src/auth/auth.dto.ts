import { z } from 'zod';

export const LoginBodySchema = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
  /** `cookie`: the refresh token goes only into an httpOnly cookie (dashboard). `body` (default): API clients. */
  session: z.enum(['cookie', 'body']).default('body'),
  /** With `cookie`: keep the cookie after the browser closes. */
  remember: z.boolean().default(false),
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const RefreshBodySchema = z
  .object({
    refreshToken: z.string().min(1).max(256).optional(),
    session: z.enum(['cookie', 'body']).optional(),
    remember: z.boolean().default(false),
  })
  .default({ remember: false });
export type RefreshBody = z.infer<typeof RefreshBodySchema>;

export const LogoutBodySchema = z
  .object({
    refreshToken: z.string().min(1).max(256).optional(),
    /** End every session of the token's user (all devices), not only this one. */
    everywhere: z.boolean().default(false),
  })
  .default({ everywhere: false });
export type LogoutBody = z.infer<typeof LogoutBodySchema>;
