import { Body, Controller, Get, Param, Put, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../common/auth/auth.decorators';
import { ApiValidationResponses } from '../common/validation/api-responses';
import { externalId } from '../common/validation/validators';
import { ApiZodBody, ZodPipe } from '../common/validation/zod-body';
import { AccountsProductsService } from './accounts-products.service';
import { AccountInput, accountSchema, ProductInput, productSchema } from './customer.schemas';

@ApiTags('accounts')
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly service: AccountsProductsService) {}

  @Put(':externalId')
  @Roles('ingest')
  @ApiOperation({
    summary: 'Create or update a B2B account (ingest)',
    description:
      'Customers whose `accountId` is this id are its stakeholders. 201 created, 200 updated.',
  })
  @ApiZodBody(accountSchema)
  @ApiValidationResponses()
  async put(
    @Param('externalId', new ZodPipe(externalId, ['externalId'])) id: string,
    @Body(new ZodPipe(accountSchema)) body: AccountInput,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, account } = await this.service.putAccount(id, body);
    res.status(created ? 201 : 200);
    return account;
  }

  @Get(':externalId')
  @Roles('marketer', 'support', 'sales', 'ingest')
  @ApiOperation({ summary: 'An account and its stakeholders (marketer, support, sales, ingest)' })
  @ApiNotFoundResponse({ description: 'Unknown account (problem+json)' })
  get(@Param('externalId', new ZodPipe(externalId, ['externalId'])) id: string) {
    return this.service.getAccount(id);
  }
}

@ApiTags('products')
@Controller('v1/products')
export class ProductsController {
  constructor(private readonly service: AccountsProductsService) {}

  @Put(':sku')
  @Roles('ingest')
  @ApiOperation({
    summary: 'Create or update a product and its extras (ingest)',
    description:
      '`margin` is a fraction of price. `extras`, when given, replaces the list. 201 created, 200 updated.',
  })
  @ApiZodBody(productSchema)
  @ApiValidationResponses()
  async put(
    @Param('sku', new ZodPipe(externalId, ['sku'])) sku: string,
    @Body(new ZodPipe(productSchema)) body: ProductInput,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, product } = await this.service.putProduct(sku, body);
    res.status(created ? 201 : 200);
    return product;
  }

  @Get(':sku')
  @Roles('marketer', 'support', 'ingest')
  @ApiOperation({ summary: 'A product with its extras (marketer, support, ingest)' })
  @ApiNotFoundResponse({ description: 'Unknown product (problem+json)' })
  get(@Param('sku', new ZodPipe(externalId, ['sku'])) sku: string) {
    return this.service.getProduct(sku);
  }
}
