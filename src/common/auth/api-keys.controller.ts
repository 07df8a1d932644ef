import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { notFound } from '../problem/problem';
import { ApiValidationResponses } from '../validation/api-responses';
import { email, nonEmptyText } from '../validation/validators';
import { ApiZodBody, ZodPipe } from '../validation/zod-body';
import { Roles } from './auth.decorators';
import { ApiKeysService } from './api-keys.service';
import { ROLES } from './roles';

const createApiKeySchema = z
  .strictObject({
    name: nonEmptyText(100),
    role: z.enum(ROLES),
    /** For a `sales` key: the rep (account owner email) whose tasks it sees. */
    ownerEmail: email.optional(),
  })
  .superRefine((key, ctx) => {
    // A sales key is one rep's: without an address it would see nobody's tasks, or everybody's.
    if (key.role === 'sales' && key.ownerEmail === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ownerEmail'],
        message: 'is required for a sales key: the rep (account owner) whose tasks it sees',
      });
    }
    if (key.role !== 'sales' && key.ownerEmail !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ownerEmail'],
        message: 'is only for sales keys',
      });
    }
  });

@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Roles()
  @ApiOperation({ summary: 'Create an API key (admin). The key is shown only in this answer.' })
  @ApiZodBody(createApiKeySchema)
  @ApiCreatedResponse({ description: '{ id, name, role, key, keyPrefix, createdAt }' })
  @ApiValidationResponses()
  async create(@Body(new ZodPipe(createApiKeySchema)) body: z.infer<typeof createApiKeySchema>) {
    const { key, entity } = await this.keys.create(body);
    return {
      id: entity.id,
      name: entity.name,
      role: entity.role,
      ownerEmail: entity.ownerEmail,
      key,
      keyPrefix: entity.keyPrefix,
      createdAt: entity.createdAt,
    };
  }

  @Get()
  @Roles()
  @ApiOperation({ summary: 'List active API keys (admin); secrets are never shown again.' })
  async list() {
    const keys = await this.keys.list();
    return {
      items: keys.map((k) => ({
        id: k.id,
        name: k.name,
        role: k.role,
        ownerEmail: k.ownerEmail,
        keyPrefix: k.keyPrefix,
        createdAt: k.createdAt,
      })),
    };
  }

  @Delete(':id')
  @Roles()
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (admin).' })
  @ApiNoContentResponse({ description: 'Revoked' })
  async revoke(@Param('id', new ParseUUIDPipe()) id: string) {
    if (!(await this.keys.revoke(id))) throw notFound(`API key ${id}`);
  }
}
