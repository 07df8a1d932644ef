import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Role } from './roles';

/** Who is calling: set on the request by the API key guard. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  ownerEmail: string | null;
}

declare module 'express' {
  interface Request {
    principal?: Principal;
  }
}

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<{ principal?: Principal }>().principal,
);
