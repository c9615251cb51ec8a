/** Word lists for realistic demo names, Chinese with an English counterpart. */
export const CITIES = [
  ['上海', 'Shanghai', '华东'],
  ['北京', 'Beijing', '华北'],
  ['广州', 'Guangzhou', '华南'],
  ['深圳', 'Shenzhen', '华南'],
  ['成都', 'Chengdu', '西南'],
  ['武汉', 'Wuhan', '华中'],
  ['杭州', 'Hangzhou', '华东'],
  ['南京', 'Nanjing', '华东'],
  ['天津', 'Tianjin', '华北'],
  ['重庆', 'Chongqing', '西南'],
  ['西安', "Xi'an", '西北'],
  ['苏州', 'Suzhou', '华东'],
  ['郑州', 'Zhengzhou', '华中'],
  ['长沙', 'Changsha', '华中'],
  ['青岛', 'Qingdao', '华东'],
  ['沈阳', 'Shenyang', '东北'],
  ['厦门', 'Xiamen', '华南'],
  ['昆明', 'Kunming', '西南'],
  ['宁波', 'Ningbo', '华东'],
  ['合肥', 'Hefei', '华东'],
] as const;

export const DISTRICTS = [
  '嘉定',
  '白云',
  '顺义',
  '双流',
  '东西湖',
  '萧山',
  '江宁',
  '武清',
  '两江',
  '临空',
  '昆山',
  '航空港',
] as const;

export const COMPANY_WORDS = [
  ['华联', 'Hualian'],
  ['永辉', 'Yonghui'],
  ['鑫源', 'Xinyuan'],
  ['恒通', 'Hengtong'],
  ['佳美', 'Jiamei'],
  ['东方', 'Dongfang'],
  ['瑞丰', 'Ruifeng'],
  ['万家', 'Wanjia'],
  ['宏达', 'Hongda'],
  ['金桥', 'Jinqiao'],
  ['盛世', 'Shengshi'],
  ['百信', 'Baixin'],
  ['新合', 'Xinhe'],
  ['天润', 'Tianrun'],
  ['广源', 'Guangyuan'],
] as const;

export const CUSTOMER_TYPES = [
  '超市有限公司',
  '商贸有限公司',
  '便利连锁',
  '电子商务有限公司',
  '餐饮管理有限公司',
  '药房连锁',
] as const;
export const SUPPLIER_TYPES = [
  '食品有限公司',
  '日化有限公司',
  '包装制品厂',
  '饮料有限公司',
  '纸业有限公司',
  '电子科技有限公司',
] as const;

export const PRODUCTS = [
  { zh: '有机燕麦片', en: 'Organic Oat Flakes', group: 'FOOD', lot: true, shelfLife: 365, grams: 500 },
  { zh: '纯牛奶', en: 'Whole Milk', group: 'DAIRY', lot: true, shelfLife: 180, grams: 1050 },
  { zh: '矿泉水', en: 'Mineral Water', group: 'BEVERAGE', lot: true, shelfLife: 540, grams: 560 },
  { zh: '绿茶饮料', en: 'Green Tea Drink', group: 'BEVERAGE', lot: true, shelfLife: 270, grams: 520 },
  { zh: '洗衣液', en: 'Laundry Liquid', group: 'HOME', lot: true, shelfLife: 1095, grams: 2100 },
  { zh: '抽纸', en: 'Facial Tissue', group: 'PAPER', lot: false, shelfLife: null, grams: 650 },
  { zh: '洗发水', en: 'Shampoo', group: 'PERSONAL', lot: true, shelfLife: 1095, grams: 780 },
  { zh: '牙膏', en: 'Toothpaste', group: 'PERSONAL', lot: true, shelfLife: 730, grams: 140 },
  { zh: '大米', en: 'Jasmine Rice', group: 'FOOD', lot: true, shelfLife: 365, grams: 5000 },
  { zh: '食用油', en: 'Cooking Oil', group: 'FOOD', lot: true, shelfLife: 540, grams: 4600 },
  { zh: '方便面', en: 'Instant Noodles', group: 'FOOD', lot: true, shelfLife: 180, grams: 120 },
  { zh: '咖啡豆', en: 'Coffee Beans', group: 'BEVERAGE', lot: true, shelfLife: 365, grams: 1000 },
  { zh: '数据线', en: 'USB-C Cable', group: 'ELECTRONICS', lot: false, shelfLife: null, grams: 60 },
  { zh: '充电宝', en: 'Power Bank', group: 'ELECTRONICS', lot: false, shelfLife: null, grams: 250 },
  { zh: '纸箱', en: 'Shipping Carton', group: 'PACKAGING', lot: false, shelfLife: null, grams: 400 },
  { zh: '酸奶', en: 'Yogurt', group: 'DAIRY', lot: true, shelfLife: 21, grams: 1000 },
  { zh: '饼干', en: 'Crackers', group: 'FOOD', lot: true, shelfLife: 270, grams: 300 },
  { zh: '橙汁', en: 'Orange Juice', group: 'BEVERAGE', lot: true, shelfLife: 120, grams: 1100 },
] as const;

export const VARIANTS = [
  ['经典装', 'Classic'],
  ['家庭装', 'Family Pack'],
  ['无糖', 'Sugar-free'],
  ['低脂', 'Low-fat'],
  ['清香型', 'Fresh Scent'],
  ['礼盒装', 'Gift Box'],
  ['便携装', 'Travel Size'],
  ['加量装', 'Value Pack'],
] as const;

export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙'] as const;
export const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋', '艳', '勇', '军', '杰', '婷', '超'] as const;

export const CARRIERS = [
  ['SF', '顺丰速运', '95338', 'https://www.sf-express.com/track?no={tracking}'],
  ['JD', '京东物流', '950616', null],
  ['ZTO', '中通快递', '95311', null],
  ['YTO', '圆通速递', '95554', null],
  ['STO', '申通快递', '95543', null],
  ['DBL', '德邦物流', '95353', null],
  ['EMS', '中国邮政 EMS', '11183', null],
  ['KYE', '跨越速运', '4008098098', null],
] as const;

export const CHANNELS = [
  ['TMALL', '天猫旗舰店', 'online-shop'],
  ['JDSHOP', '京东自营', 'online-shop'],
  ['WXMINI', '微信小程序', 'mobile'],
  ['STORE-SH', '上海直营门店', 'retail-store'],
  ['DIST', '区域经销商', 'distributor'],
  ['OPENAPI', '开放接口', 'open-api'],
  ['MANUAL', '手工录入', 'manual'],
] as const;
