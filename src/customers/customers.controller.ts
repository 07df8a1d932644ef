import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { VALUE_DEFINITIONS } from '../analytics/value/value-definitions';
import { Roles } from '../common/auth/auth.decorators';
import { ApiValidationResponses } from '../common/validation/api-responses';
import { externalId } from '../common/validation/validators';
import { ApiZodBody, ZodPipe } from '../common/validation/zod-body';
import { customerProfileSchema, CustomerProfile } from './customer.schemas';
import { CustomersService } from './customers.service';

const idPipe = new ZodPipe(externalId, ['externalId']);

@ApiTags('customers')
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Put(':externalId')
  @Roles('ingest')
  @ApiOperation({
    summary: 'Create or update a customer (ingest)',
    description:
      'Fields left out keep their stored value; `null` clears them. 201 when created, 200 when updated, 409 when the customer was erased.',
  })
  @ApiZodBody(customerProfileSchema)
  @ApiValidationResponses()
  async put(
    @Param('externalId', idPipe) id: string,
    @Body(new ZodPipe(customerProfileSchema)) body: CustomerProfile,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, customer } = await this.customers.put(id, body);
    res.status(created ? 201 : 200);
    return customer;
  }

  @Get(':externalId')
  @Roles('marketer', 'support', 'ingest')
  @ApiOperation({
    summary: 'A customer with order statistics and value (marketer, support, ingest)',
    description: VALUE_DEFINITIONS,
  })
  @ApiOkResponse({
    description:
      'Customer with ordersCount, totalSpent, lastOrderAt, revenue, grossMargin, costToServe, clv, rfm, rfmSegment, valueTier, valueComputedAt',
  })
  @ApiNotFoundResponse({ description: 'Unknown customer (problem+json)' })
  get(@Param('externalId', idPipe) id: string) {
    return this.customers.get(id);
  }

  @Get(':externalId/orders')
  @Roles('support', 'marketer', 'ingest')
  @ApiOperation({
    summary: "A customer's latest 200 orders with items (support, marketer, ingest)",
  })
  orders(@Param('externalId', idPipe) id: string) {
    return this.customers.orders(id);
  }

  @Delete(':externalId')
  @Roles('ingest')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Erase a customer’s personal data (ingest)',
    description:
      'Clears email, names, attributes and event properties, keeps orders and a suppression of the email hash. Idempotent.',
  })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiNotFoundResponse({ description: 'Unknown customer (problem+json)' })
  async erase(@Param('externalId', idPipe) id: string) {
    await this.customers.erase(id);
  }
}
