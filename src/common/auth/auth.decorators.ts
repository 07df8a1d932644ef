import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Role } from './roles';

export const ROLES_KEY = 'rm:roles';
export const PUBLIC_KEY = 'rm:public';

/**
 * The roles that may call an endpoint (admin always may). Also documents them in OpenAPI.
 * An endpoint with neither `@Roles` nor `@Public` is admin-only: forgetting is safe.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No or invalid API key (problem+json)' }),
    ApiForbiddenResponse({
      description: `The key's role is not one of: admin${roles.length ? ', ' + roles.join(', ') : ''}`,
    }),
  );

export const Public = () => SetMetadata(PUBLIC_KEY, true);
