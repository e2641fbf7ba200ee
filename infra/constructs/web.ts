/**
 * The web client: a private S3 bucket behind CloudFront (origin access control, HTTPS only), filled with the
 * client's build on every deployment.
 */
import { Aws, DefaultStackSynthesizer, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.js';

export interface ChatWebProps {
  /** The built client (e.g. clients/web/dist): uploaded as is, `index.html` at its root. */
  readonly buildDir: string;
  /**
   * CloudFront edge locations served from. PRICE_CLASS_100 (North America, Europe, Israel) is the cheapest.
   * @default cloudfront.PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;
}

/**
 * @example
 * ```ts
 * const web = new ChatWeb(stack, 'Web', { buildDir: path.join(rootDir, 'clients/web/dist') });
 * web.url; // https://dxxxx.cloudfront.net
 * ```
 */
export class ChatWeb extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: ChatWebProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Only the build lives here, and every deployment uploads it again.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the public web build, written by CloudFormation deployments (recorded by ' +
        'CloudTrail) and read by CloudFront alone; server access logs would log CloudFront cache fills.',
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'wavechat web client',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
      },
      // A single-page app: unknown paths are client-side routes, answered with the app itself.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
      })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'A chat client for everyone: no country is blocked.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Static files only, cached at the edge; a WAF web ACL costs at least $5 a month plus requests and ' +
          'protects nothing here (the APIs are separate endpoints).',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason: 'Viewer logs of static files are not needed; CloudFront metrics cover traffic and errors.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses the default *.cloudfront.net certificate, whose viewer TLS policy CloudFront ' +
          'fixes; a minimum of TLS 1.2 needs a custom domain and certificate, which this app does not have yet.',
      },
    );

    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [s3deploy.Source.asset(props.buildDir)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    this.acknowledgeDeploymentHandler();
  }

  /**
   * BucketDeployment's handler is CDK's own custom resource (a Python Lambda shared by the stack's deployments);
   * its role comes from CDK's grants, which this app cannot narrow.
   */
  private acknowledgeDeploymentHandler(): void {
    const handler = this.deployment.handlerRole.node.scope;
    if (!handler) return;
    const stack = Stack.of(this);
    const synthesizer = stack.synthesizer;
    const qualifier =
      (synthesizer instanceof DefaultStackSynthesizer ? synthesizer.bootstrapQualifier : undefined) ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const grantReason =
      "CDK's BucketDeployment grants: read of the build's asset in the CDK bootstrap bucket and read/write of the " +
      'web bucket (s3:GetObject*, s3:List*, s3:DeleteObject* and the like are how CDK names those sets).';
    Validations.of(handler).acknowledge(
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: grantReason,
      })),
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "CDK's BucketDeployment handler role; the managed policy lets it write its own logs.",
      },
      {
        id: 'AwsSolutions-L1',
        reason: "The handler's Python runtime is chosen by aws-cdk-lib (it runs the AWS CLI) and moves with it.",
      },
    );
    acknowledgeWildcardResource(handler, `${this.bucket.bucketArn}/*`, grantReason);
    acknowledgeWildcardResource(
      handler,
      `arn:${Aws.PARTITION}:s3:::cdk-${qualifier}-assets-${Aws.ACCOUNT_ID}-${Aws.REGION}/*`,
      grantReason,
    );
    acknowledgeWildcardResource(
      handler,
      '*',
      'cloudfront:CreateInvalidation and GetInvalidation, granted by CDK on "*", to invalidate the cache after upload.',
    );
  }

  /** `https://<distribution>.cloudfront.net`. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
