import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, Public } from '../shared/auth';
import { ApiProblems } from '../shared/errors';
import { ApiIntIdParam, IntIdPipe, RouteLimits } from '../shared/http';
import {
  PreviewPriceQueryDto,
  PriceQuoteDto,
  PriceQuotesDto,
  QUOTE_BODY_LIMIT_BYTES,
  QuotePriceQueryDto,
  QuotePricesDto,
} from './dto/quote.dto';
import { PricingService } from './pricing.service';

@ApiTags('pricing')
@Controller('pricing')
export class PricingController {
  constructor(private readonly pricing: PricingService) {}

  @Get(':variantId/price')
  @Public()
  @ApiIntIdParam('variantId')
  @ApiOperation({ summary: 'Quote the price of a variant for a quantity and a customer tier, with the rules applied' })
  @ApiOkResponse({ type: PriceQuoteDto })
  @ApiProblems(400, 404)
  async quotePrice(
    @Param('variantId', new IntIdPipe('variantId')) variantId: number,
    @Query() query: QuotePriceQueryDto,
  ): Promise<PriceQuoteDto> {
    const quote = await this.pricing.quote(
      { variantId, quantity: query.quantity },
      { tier: query.tier, explain: query.explain },
    );
    return PriceQuoteDto.from(quote);
  }

  @Get(':variantId/preview')
  @AdminOnly()
  @ApiIntIdParam('variantId')
  @ApiOperation({
    summary: 'Preview the price of a variant at any moment, with every rule considered and why',
    description:
      'For staff checking a rule before it goes live: the quote of quotePrice with explain=true, at `at`. ' +
      'Admin only, so that a scheduled sale does not show before it starts.',
  })
  @ApiOkResponse({ type: PriceQuoteDto })
  @ApiProblems(400, 404)
  async previewPrice(
    @Param('variantId', new IntIdPipe('variantId')) variantId: number,
    @Query() query: PreviewPriceQueryDto,
  ): Promise<PriceQuoteDto> {
    const quote = await this.pricing.quote(
      { variantId, quantity: query.quantity },
      { tier: query.tier, explain: true, at: query.at === undefined ? undefined : new Date(query.at) },
    );
    return PriceQuoteDto.from(quote);
  }

  @Post('quotes')
  @Public()
  @RouteLimits({ bodyLimit: QUOTE_BODY_LIMIT_BYTES })
  @HttpCode(200)
  @ApiOperation({ summary: 'Quote many lines at once for one tier (nothing is created)' })
  @ApiOkResponse({ type: PriceQuotesDto })
  @ApiProblems(400, 404, 413)
  async quotePrices(@Body() body: QuotePricesDto): Promise<PriceQuotesDto> {
    const tier = body.tier ?? 'STANDARD';
    const quotes = await this.pricing.quoteMany(body.items, { tier });
    return PriceQuotesDto.from(tier, this.pricing.currency, quotes);
  }
}
