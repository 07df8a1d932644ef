import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ProblemException } from '../problem/problem';
import { ApiKeysService } from './api-keys.service';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { Role } from './roles';

const unauthorized = (detail: string) =>
  new ProblemException(HttpStatus.UNAUTHORIZED, 'unauthorized', 'Unauthorized', detail);

/** Global guard: a valid Bearer key for every endpoint not marked `@Public()`, and the right role. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthorized('Send an API key as `Authorization: Bearer <key>`.');
    const principal = await this.keys.resolve(match[1]);
    if (!principal) throw unauthorized('The API key is unknown or revoked.');
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (principal.role !== 'admin' && !allowed.includes(principal.role)) {
      throw new ProblemException(
        HttpStatus.FORBIDDEN,
        'forbidden',
        'Forbidden',
        `A ${principal.role} key may not do this; allowed roles: ${['admin', ...allowed].join(', ')}.`,
      );
    }
    return true;
  }
}
